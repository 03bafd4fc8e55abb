import socket, struct, sys
def qname(n):
    out=b''
    for l in n.rstrip('.').split('.'):
        out+=bytes([len(l)])+l.encode()
    return out+b'\0'
def query(qid, qs):
    h=struct.pack('>HHHHHH', qid, 0, len(qs), 0, 0, 0)
    for n,t in qs:
        h+=qname(n)+struct.pack('>HH', t, 1)
    return h
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect(('10.251.0.10', 5353))
for fn, qid, qs in [
    ('mdns-avahi-services.bin', 0x4e01, [('_services._dns-sd._udp.local', 12)]),
    ('mdns-avahi-ipp.bin', 0x4e02, [('_ipp._tcp.local', 12)]),
    ('mdns-avahi-instance.bin', 0x4e03, [('Netlab Office Printer._ipp._tcp.local', 33), ('Netlab Office Printer._ipp._tcp.local', 16)]),
]:
    s.send(query(qid, qs))
    b=s.recv(9000)
    open(fn,'wb').write(b)
    print(fn, len(b))
