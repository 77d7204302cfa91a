"""The synthetic data set of `generate_data`: realistic, skewed, reproducible, any size.

generation (the run), then one module per group of tables (reference,
people, portfolio, activity), fed by vocabulary, sampling, naming and rates;
registry holds what later tables need to know; tables writes the rows.
"""
