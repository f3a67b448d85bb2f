"""Security: TLS, SASL authentication, principals and ACL authorization."""
