"""Data protection: retention periods, legal holds, erasure and subject access."""
