"""Stored assessments (notes): built in the notes issue."""
