#!/usr/bin/python3
"""A minimal CRI (runtime.v1) client for the end-to-end tests.

Talks gRPC to a CRI endpoint with hand-encoded protobuf messages (only
python3-grpcio is needed, no generated code).  Usage:

  cri.py SOCKET version
  cri.py SOCKET runp NAME HANDLER CGROUP_PARENT LOGDIR    -> sandbox id
  cri.py SOCKET create SANDBOX NAME IMAGE LOGDIR LOGPATH CGROUP_PARENT CMD...
                                                          -> container id
  cri.py SOCKET start ID
  cri.py SOCKET status ID                                 -> "STATE EXITCODE"
  cri.py SOCKET sandbox-status ID                         -> "STATE HANDLER"
  cri.py SOCKET exec ID CMD...       (stdout; exits with the command's status)
  cri.py SOCKET stopp ID / rmp ID
"""

import sys

import grpc

RUNTIME = "/runtime.v1.RuntimeService/"
CONTAINER_STATES = ["CREATED", "RUNNING", "EXITED", "UNKNOWN"]
SANDBOX_STATES = ["READY", "NOTREADY"]


def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, value):
    """One field: int -> varint, str/bytes -> length-delimited."""
    if isinstance(value, bool) or isinstance(value, int):
        return varint(num << 3) + varint(int(value))
    if isinstance(value, str):
        value = value.encode()
    return varint(num << 3 | 2) + varint(len(value)) + value


def msg(*fields):
    out = b""
    for num, value in fields:
        if isinstance(value, list):
            for v in value:
                out += field(num, v)
        elif value is not None:
            out += field(num, value)
    return out


def decode(data):
    """Decode one message level into {field number: [raw values]}."""
    res = {}
    i = 0
    while i < len(data):
        key, i = read_varint(data, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = read_varint(data, i)
        elif wt == 2:
            n, i = read_varint(data, i)
            v, i = data[i:i + n], i + n
        elif wt == 1:
            v, i = data[i:i + 8], i + 8
        elif wt == 5:
            v, i = data[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wt)
        res.setdefault(num, []).append(v)
    return res


def read_varint(data, i):
    n = shift = 0
    while True:
        b = data[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def first(d, num, default=None):
    return d.get(num, [default])[0]


def sandbox_config(name, cgroup_parent, logdir):
    metadata = msg((1, name), (2, name + "-uid"), (3, "default"), (4, 0))
    # network NODE (2): no CNI needed; pid and ipc per pod
    ns_opts = msg((1, 2))
    security = msg((1, ns_opts))
    linux = msg((1, cgroup_parent), (2, security))
    return msg((1, metadata), (2, name), (3, logdir), (8, linux))


class Client:
    def __init__(self, sock):
        self.channel = grpc.insecure_channel("unix://" + sock)

    def call(self, method, request):
        fn = self.channel.unary_unary(RUNTIME + method)
        return decode(fn(request, timeout=60))


def main(argv):
    sock, cmd, args = argv[1], argv[2], argv[3:]
    c = Client(sock)
    if cmd == "version":
        r = c.call("Version", msg((1, "v1")))
        print(first(r, 2, b"").decode(), first(r, 3, b"").decode())
    elif cmd == "runp":
        name, handler, cgparent, logdir = args
        r = c.call("RunPodSandbox",
                   msg((1, sandbox_config(name, cgparent, logdir)),
                       (2, handler)))
        print(first(r, 1).decode())
    elif cmd == "create":
        sandbox, name, image, logdir, logpath, cgparent = args[:6]
        command = args[6:]
        config = msg((1, msg((1, name), (2, 0))), (2, msg((1, image))),
                     (3, command), (11, logpath))
        r = c.call("CreateContainer",
                   msg((1, sandbox), (2, config),
                       (3, sandbox_config(sandbox_name(c, sandbox),
                                          cgparent, logdir))))
        print(first(r, 1).decode())
    elif cmd == "start":
        c.call("StartContainer", msg((1, args[0])))
    elif cmd == "status":
        r = c.call("ContainerStatus", msg((1, args[0])))
        st = decode(first(r, 1))
        print(CONTAINER_STATES[first(st, 3, 0)], signed32(first(st, 7, 0)))
    elif cmd == "sandbox-status":
        r = c.call("PodSandboxStatus", msg((1, args[0])))
        st = decode(first(r, 1))
        print(SANDBOX_STATES[first(st, 3, 0)], first(st, 9, b"").decode())
    elif cmd == "exec":
        r = c.call("ExecSync", msg((1, args[0]), (2, args[1:]), (3, 30)))
        sys.stdout.write(first(r, 1, b"").decode())
        sys.stderr.write(first(r, 2, b"").decode())
        return signed32(first(r, 3, 0))
    elif cmd == "stopp":
        c.call("StopPodSandbox", msg((1, args[0])))
    elif cmd == "rmp":
        c.call("RemovePodSandbox", msg((1, args[0])))
    else:
        print("unknown command " + cmd, file=sys.stderr)
        return 2
    return 0


def sandbox_name(c, sandbox):
    r = c.call("PodSandboxStatus", msg((1, sandbox)))
    meta = decode(first(decode(first(r, 1)), 2))
    return first(meta, 1).decode()


def signed32(n):
    n &= (1 << 64) - 1
    return n - (1 << 64) if n >= 1 << 63 else n


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except grpc.RpcError as e:
        print("cri: %s: %s" % (e.code(), e.details()), file=sys.stderr)
        sys.exit(1)
