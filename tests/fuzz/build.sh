#!/bin/bash
# build.sh - build the libFuzzer targets with clang into build-fuzz/ (CMake is set up for gcc):
# common/src/*.c and stages/{clean,entities,summarize}/*.c (without main) are compiled with
# -fsanitize=fuzzer-no-link,address,undefined, each tests/fuzz/fuzz_<target>.c linked with them.
# Usage: tests/fuzz/build.sh [target...]   (default: all); env CC (clang), BUILD (build-fuzz).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cc=${CC:-clang}
out=${BUILD:-$root/build-fuzz}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(record conf clean entities summarize)
fi
pkgs="rdkafka jansson libcjson libpcre2-8 libxml-2.0 libmicrohttpd zlib"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror -Wno-unknown-warning-option -Wno-format-truncation $san
        -I$root/common/include $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lpthread -lm"
mkdir -p "$out/obj"

# objects are rebuilt when their source or any header is newer
newest_header=$(ls -t "$root"/common/include/newsflow/*.h "$root"/common/src/*.h \
                    "$root"/stages/*/*.h "$root"/tests/fuzz/*.h | head -1)
compile() { # src obj extra-flags...
    local src=$1 obj=$2
    shift 2
    if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
        # shellcheck disable=SC2086
        $cc $cflags -fsanitize=fuzzer-no-link "$@" -c "$src" -o "$obj"
    fi
}

objs=()
for src in "$root"/common/src/*.c; do
    obj="$out/obj/common_$(basename "$src" .c).o"
    compile "$src" "$obj" -I"$root/common/src" \
        -DNEWSFLOW_DEFAULT_DATA_DIR="\"$root/config\""
    objs+=("$obj")
done
for stage in clean entities summarize; do
    for src in "$root"/stages/$stage/*.c; do
        obj="$out/obj/${stage}_$(basename "$src" .c).o"
        compile "$src" "$obj" -DNF_STAGE_NO_MAIN
        objs+=("$obj")
    done
done
compile "$root/tests/fuzz/fuzz_common.c" "$out/obj/fuzz_common.o"
objs+=("$out/obj/fuzz_common.o")

for t in "${targets[@]}"; do
    compile "$root/tests/fuzz/fuzz_$t.c" "$out/obj/fuzz_$t.o" \
        -DNF_FUZZ_DATA_DIR="\"$root/config\""
    # shellcheck disable=SC2086
    $cc $san -fsanitize=fuzzer "$out/obj/fuzz_$t.o" "${objs[@]}" $libs -o "$out/fuzz_$t"
    echo "built $out/fuzz_$t"
done
