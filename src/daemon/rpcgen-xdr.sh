#!/bin/sh
# rpcgen names the header guard after its output path and has -c include "<input>.h"; run it
# in the output's directory on a copy of the input, so both name remote-protocol.h.
# Usage: rpcgen-xdr.sh RPCGEN -h|-c INPUT.x OUTPUT
set -eu
rpcgen=$1 mode=$2 input=$3 output=$4
dir=$(dirname "$output")
tmp=$(mktemp -d "$dir/rpcgen.XXXXXX")
cp "$input" "$tmp/remote-protocol.x"
(cd "$tmp" && "$rpcgen" "$mode" -o out remote-protocol.x)
mv "$tmp/out" "$output"
rm -rf "$tmp"
