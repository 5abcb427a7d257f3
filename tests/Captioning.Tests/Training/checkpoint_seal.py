# Oracle for CheckpointIntegrityTests: reads a sealed checkpoint as any safetensors reader would
# (JSON header after an 8-byte length, numpy over the data; there is no safetensors package here)
# and computes, independently of the C# code, the hashes its seal should record.
# Usage: checkpoint_seal.py CHECKPOINT RUN_FOLDER BOUND_FILE...   Prints one JSON object.
import hashlib, json, struct, sys
import numpy as np

path, folder, bound = sys.argv[1], sys.argv[2], sys.argv[3:]
raw = open(path, "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + n])
data = raw[8 + n:]
metadata = header.pop("__metadata__")

def netstring(s):
    b = s.encode("utf-8")
    return str(len(b)).encode() + b":" + b

entries = sorted((k, v) for k, v in metadata.items() if k != "sha256.metadata")
sums = {}
dtypes = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}
for name, info in header.items():
    begin, end = info["data_offsets"]
    sums[name] = float(np.frombuffer(data[begin:end], dtype=dtypes[info["dtype"]]).astype(np.float64).sum())
print(json.dumps({
    "recorded": metadata,
    "data": hashlib.sha256(data).hexdigest(),
    "metadata": hashlib.sha256(b"".join(netstring(k) + netstring(v) for k, v in entries)).hexdigest(),
    "files": {name: hashlib.sha256(open(folder + "/" + name, "rb").read()).hexdigest() for name in bound},
    "sums": sums,
}))
