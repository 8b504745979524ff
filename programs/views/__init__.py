"""Pages of the programs app: portal, printing, prescribing, suggestions and the library."""
