"""The clinical domain: patients, visits, planned needles and safety rules (pure values)."""
