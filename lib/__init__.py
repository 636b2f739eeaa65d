"""Observatoire ML: business logic, kept free of Streamlit except in lib/ui."""
