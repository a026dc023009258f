"""Pre-translation of articles: records, bilingual writers, analysis report."""
