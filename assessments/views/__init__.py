"""Pages of the assessments app, one module per sub-domain (screening, charts, evaluations, gait,
outcomes); scoped loaders are in ``assessments.loaders``."""
