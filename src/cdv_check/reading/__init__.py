"""Reading untrusted input: bounded decoding, the located YAML/JSON tree, piece files."""
