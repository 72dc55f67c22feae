"""Finding phone and video calls between officials in an article (see find.py)."""

from extract.nlp.calls.find import extract_calls
from extract.nlp.calls.model import ArticleCall

__all__ = ["ArticleCall", "extract_calls"]
