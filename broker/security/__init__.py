"""Security: principals, TLS contexts, SASL authentication and ACL authorization."""
