"""French text: formatting numbers, dates and amounts, terminal safety, OS error messages."""
