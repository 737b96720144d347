#!/bin/sh
# apply now (not persistent)
set -e
ip route replace default via 10.10.0.254
