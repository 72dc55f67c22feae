-- Raw and audit tables the extraction loads into; dbt reads `raw` as a source.
-- One file so the loader, dbt's sources and the tests agree on one shape.
create schema if not exists raw;
create schema if not exists audit;

-- One row per article version (article_id = hash of the cleaned body).
create table if not exists raw.articles (
    article_id varchar primary key,
    source_uri varchar not null,
    url varchar,
    publisher varchar,
    title varchar,
    published_at timestamp,          -- null unless the page gives at least a day
    published_on date,               -- first day of the month when only a month is known
    published_precision varchar,     -- 'minute' | 'day' | 'month' | null
    published_basis varchar,         -- where the date came from: 'dateline', 'byline', 'url', ...
    fetched_at timestamp not null,   -- file mtime or HTTP fetch time
    body_text varchar not null,
    content_hash varchar not null,
    n_sentences integer not null,
    extractor_version varchar not null,
    run_id varchar not null,          -- the run that first loaded this article
    loaded_at timestamp               -- when these rows were last (re)loaded; drives dbt's incremental models
);
-- Files created before a column existed get it here (create table if not exists keeps old shapes).
alter table raw.articles add column if not exists loaded_at timestamp;

-- Every sentence kept, so any fact can be traced back to its words.
create table if not exists raw.sentences (
    article_id varchar not null,
    sentence_index integer not null,
    sentence_text varchar not null,
    primary key (article_id, sentence_index)
);

-- One row per distinct call an article reports (several sentences may support it).
create table if not exists raw.article_calls (
    article_call_id varchar primary key,
    article_id varchar not null,
    sentence_index integer not null,  -- the sentence that best states the call
    evidence_text varchar not null,
    call_date date,
    date_precision varchar,           -- 'day' | 'month' | 'year'
    date_basis varchar,               -- 'explicit' | 'inferred-from-published' | 'inferred-from-context' | ...
    mode varchar not null,            -- 'phone' | 'video'
    initiator_country_iso3 varchar,
    initiator_actor_id varchar,
    initiator_evidence varchar,
    confidence double not null
);

create table if not exists raw.article_call_participants (
    article_call_id varchar not null,
    participant_index integer not null,
    actor_id varchar,                 -- null when only a role/country is named
    country_iso3 varchar not null,
    role varchar,                     -- controlled vocabulary of ref_role_titles.role
    name_as_reported varchar not null,
    canonical_name varchar,           -- for actors the reference data does not know
    is_reference_actor boolean not null,
    primary key (article_call_id, participant_index)
);

create table if not exists raw.article_call_evidence (
    article_call_id varchar not null,
    article_id varchar not null,
    sentence_index integer not null,
    evidence_text varchar not null,
    primary key (article_call_id, sentence_index)
);

create table if not exists raw.aid_mentions (
    aid_mention_id varchar primary key,
    article_id varchar not null,
    sentence_index integer not null,
    evidence_text varchar not null,
    donor_iso3 varchar,
    recipient_iso3 varchar,
    amount double not null,
    currency varchar not null,        -- ISO 4217
    is_approximate boolean not null,
    aid_kind varchar not null,        -- military | financial | humanitarian | unspecified
    status varchar not null,          -- announced | approved | delivered | proposed | unknown
    reported_date date,
    confidence double not null
);

create table if not exists audit.input_ledger (
    source_uri varchar not null,
    content_hash varchar not null,
    status varchar not null,          -- loaded | duplicate | rejected
    reason varchar,
    article_id varchar,
    first_seen_at timestamp not null,
    run_id varchar not null,
    primary key (source_uri, content_hash)
);

create table if not exists audit.run_log (
    run_id varchar primary key,
    logical_date timestamp,
    started_at timestamp not null,
    finished_at timestamp,
    n_inputs integer,
    n_loaded integer,
    n_duplicates integer,
    n_rejected integer,
    n_calls integer,                  -- calls the run published (marts.fct_call); article-level reports loaded
                                      -- only when no mart exists; null for a failed run
    n_aid integer,                    -- aid rows the run published (marts.fct_aid), likewise
    validation_status varchar,        -- passed | warned | failed
    n_unchanged integer,              -- inputs already loaded with the same content and extractor
    n_superseded integer,             -- earlier versions of inputs that now read differently, replaced
    n_quarantined integer,            -- facts held back from the marts by a row-level rule (audit.quarantine)
    n_calls_published integer,        -- rows of marts.fct_call the run published
    n_aid_published integer,          -- rows of marts.fct_aid the run published
    status varchar,                   -- published | failed (null: a row written before runs had a status)
    reason varchar                    -- why a failed run failed: the task and its error, in plain words
);
alter table audit.run_log add column if not exists n_unchanged integer;
alter table audit.run_log add column if not exists n_superseded integer;
alter table audit.run_log add column if not exists n_quarantined integer;
alter table audit.run_log add column if not exists n_calls_published integer;
alter table audit.run_log add column if not exists n_aid_published integer;
alter table audit.run_log add column if not exists status varchar;
alter table audit.run_log add column if not exists reason varchar;

create table if not exists audit.validation_results (
    run_id varchar not null,
    suite_name varchar not null,      -- '<asset>.<stage>'
    expectation varchar not null,
    column_name varchar,
    severity varchar not null,        -- critical | warning
    success boolean not null,
    unexpected_count bigint,
    details varchar,
    validated_at timestamp not null
);
