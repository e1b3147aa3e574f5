# Applied to both outputs (the mock's and the sandboxed NM's) before they are compared.
# Each rule is a difference between the mock and NetworkManager 1.42 that is deliberate.

# NM derives IPv6 link-local interface identifiers with addr-gen-mode stable-privacy from a
# per-host secret; the mock uses EUI-64 from the MAC address.
s/fe80::[0-9a-f:]*\//fe80::IID\//g

# lo's generated profile gets a random UUID in both.
s/^lo:[0-9a-f-]\{36\}:/lo:UUID:/
