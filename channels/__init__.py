"""Channel adapters: verify a provider's inbound request, turn it into a Petition, send replies."""
