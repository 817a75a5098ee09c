"""Training side of Régua's propensity-to-pay model (see ../README.md)."""
