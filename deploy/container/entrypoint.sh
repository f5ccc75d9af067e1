#!/bin/sh
# Secrets arrive as files (compose secrets, Kubernetes Secret volumes) rather than in the container's definition:
# for every NAME_FILE=/path in the environment, NAME is set to that file's contents (trailing newlines dropped) and
# NAME_FILE is removed. Setting both NAME and NAME_FILE is refused, as is a file that cannot be read.
set -eu
for name in $(env | sed -n 's/^\([A-Z][A-Z0-9_]*\)_FILE=.*/\1/p'); do
  eval "file=\${${name}_FILE}"
  eval "present=\${${name}+set}"
  if [ "$present" = set ]; then
    echo "entrypoint: both $name and ${name}_FILE are set; set one of them" >&2
    exit 2
  fi
  if [ ! -r "$file" ] || [ -d "$file" ]; then
    echo "entrypoint: ${name}_FILE is $file, which is not a readable file" >&2
    exit 2
  fi
  value=$(cat "$file")
  export "$name=$value"
  unset "${name}_FILE"
done
exec "$@"
