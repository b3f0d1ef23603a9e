#!/usr/bin/env python3
"""Static server for one folder that appends 'path<TAB>bytes' for every file it sends to a log."""
import http.server, os, sys, functools
root, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
    def copyfile(self, source, outputfile):
        data = source.read()
        outputfile.write(data)
        with open(log, "a") as f:
            f.write("%s\t%d\n" % (self.path, len(data)))
H.extensions_map = dict(H.extensions_map, **{".js": "text/javascript", ".pagefind": "application/octet-stream", ".wasm": "application/wasm"})
http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(H, directory=root)).serve_forever()
