"""Security: principals, TLS contexts, SASL and ACL authorization."""
