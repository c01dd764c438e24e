"""Every text a user sees, in one package: one module per feature, reviewed in one place.

Style guide: shared/domain/vietnamese-ui.md — "đồng chí", polite, plain, short.
"""
