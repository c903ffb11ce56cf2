"""Measuring geo: annotated corpora, the metrics of the literature, `geo eval` and coverage."""
