"""One module per source format; every module here is registered on first use."""
