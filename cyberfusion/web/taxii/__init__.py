"""The TAXII 2.1 server at /taxii2/ (routes in `routes`, media types and credentials in
`media`)."""
