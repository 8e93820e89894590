"""Training scripts: one per model family, plus data loading and evaluation."""
