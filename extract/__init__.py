"""Extraction of calls and aid amounts from Vietnamese news articles."""
