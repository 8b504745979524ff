"""Synthetic data at the size of a clinic chain, loaded with COPY (``manage.py seed_scale``)."""
