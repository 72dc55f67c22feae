"""The call cues of rules/calls.yaml under the names the call finder uses."""

from extract.nlp.rulebook import load_rules

CALL_RULES = load_rules("calls")

STRONG_TRIGGER = CALL_RULES["strong_trigger"]
WEAK_TRIGGER = CALL_RULES["weak_trigger"]
VIDEO = CALL_RULES["video"]
NEGATIVE = CALL_RULES["negative"]
REPORTING = CALL_RULES["reporting"]
CLAUSE_END = CALL_RULES["clause_end"]
MULTILATERAL = CALL_RULES["multilateral"]
IN_PERSON = CALL_RULES["in_person"]
DATE_BLOCKERS = CALL_RULES["date_blockers"]
FIRST_PERSON = CALL_RULES["first_person"]
SAME_DAY = CALL_RULES["same_day"]
DAYS_LATER = CALL_RULES["days_later"]
VAGUE = CALL_RULES["vague"]
PREPOSITIONAL_TRIGGER = CALL_RULES["prepositional_trigger"]
ANAPHOR_PARTIES = CALL_RULES["anaphor_parties"]
DENIAL = CALL_RULES["denial"]
ANAPHOR_CALL = CALL_RULES["anaphor_call"]
INITIATOR_AFTER = CALL_RULES["initiator_after"]
INITIATOR_DO = CALL_RULES["initiator_do"]
INITIATOR_BEFORE = CALL_RULES["initiator_before"]
CALL_REFERENCE = CALL_RULES["call_reference"]
PARTY_SPLIT = CALL_RULES["party_split"]
PARTY_LINK = CALL_RULES["party_link"]
NEW_CLAUSE = CALL_RULES["new_clause"]
REPORT_FRAME = CALL_RULES["report_frame"]
LIST_GLUE = CALL_RULES["list_glue"]
DIRECTION_GLUE = CALL_RULES["direction_glue"]
PLACE = CALL_RULES["place"]
