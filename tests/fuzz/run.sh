#!/bin/sh
# Builds the libFuzzer targets over vfio/vfio_user_msg.c and the irq command
# parser (fs/irq_command.c) straight from the
# sources (clang -fsanitize=fuzzer,address,undefined) and runs each for a
# bounded time.  Ends with "fuzz: N passed, N failed" (one per target).
#   FUZZ_TIME   seconds per target (default 20)
#   FUZZ_OUT    build and corpus directory (default /var/tmp/vfiofs-fuzz)
set -u
cd "$(dirname "$0")/../.."
TIME=${FUZZ_TIME:-20}
OUT=${FUZZ_OUT:-/var/tmp/vfiofs-fuzz}
mkdir -p "$OUT"

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang not found (Debian package clang); nothing run"
	echo "fuzz: 0 passed, 0 failed"
	exit 0
fi
FLAGS="-g -O1 -std=gnu11 -D_GNU_SOURCE -I. -Iinclude -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
CFLAGS_DEPS=$(pkg-config --cflags glib-2.0 json-glib-1.0) || exit 1
LIBS_DEPS=$(pkg-config --libs glib-2.0 json-glib-1.0) || exit 1
python3 tests/fuzz/seeds.py "$OUT/seeds" || exit 1

passed=0
failed=0
n=0
for target in header version region_info info dma region_reply; do
	n=$((n + 1))
	bin="$OUT/fuzz_$target"
	# shellcheck disable=SC2086
	if ! clang $FLAGS $CFLAGS_DEPS -DFUZZ_TARGET=$n tests/fuzz/fuzz_vfio_user_msg.c \
		vfio/vfio_user_msg.c $LIBS_DEPS -o "$bin" 2>"$OUT/$target.build.log"; then
		echo "not ok - $target: build failed (see $OUT/$target.build.log)"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$OUT/corpus/$target"
	if "$bin" -max_total_time="$TIME" -timeout=5 -rss_limit_mb=2048 \
		-artifact_prefix="$OUT/$target-" "$OUT/corpus/$target" "$OUT/seeds/$target" \
		>"$OUT/$target.log" 2>&1; then
		echo "ok - $target: $(grep -o 'Done [0-9]* runs' "$OUT/$target.log" | tail -1) in ${TIME}s"
		passed=$((passed + 1))
	else
		echo "not ok - $target: see $OUT/$target.log and $OUT/$target-*"
		failed=$((failed + 1))
	fi
done

# Parsers of what users write to the files: one harness and its sources each,
# seeds in tests/fuzz/corpus/TARGET.
for target in irq_command; do
	case $target in
	irq_command) sources="fs/irq_command.c vfio/error.c" ;;
	esac
	bin="$OUT/fuzz_$target"
	# shellcheck disable=SC2086
	if ! clang $FLAGS $CFLAGS_DEPS tests/fuzz/fuzz_$target.c $sources $LIBS_DEPS -o "$bin" \
		2>"$OUT/$target.build.log"; then
		echo "not ok - $target: build failed (see $OUT/$target.build.log)"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$OUT/corpus/$target"
	if "$bin" -max_total_time="$TIME" -timeout=5 -rss_limit_mb=2048 \
		-artifact_prefix="$OUT/$target-" "$OUT/corpus/$target" "tests/fuzz/corpus/$target" \
		>"$OUT/$target.log" 2>&1; then
		echo "ok - $target: $(grep -o 'Done [0-9]* runs' "$OUT/$target.log" | tail -1) in ${TIME}s"
		passed=$((passed + 1))
	else
		echo "not ok - $target: see $OUT/$target.log and $OUT/$target-*"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
