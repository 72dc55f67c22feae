"""Extraction of calls and aid amounts from Vietnamese news articles."""

# Bump when extraction rules change: raw rows record which version made them.
EXTRACTOR_VERSION = "0.1.0"
