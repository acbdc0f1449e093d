#!/usr/bin/env bash
# Break the engine on purpose and show the KUnit cases that catch it.
#
#   tests/mutants.sh [NAME ...]     (default: every mutant, one VM each)
#
# On each test kernel of DMIO_KERNELS (default: 6.1 and 6.12), so a
# mutant must be caught on every line.
# Each mutant is a one-line edit of the engine; the script applies it to a
# scratch copy of the tree, builds, runs the KUnit VM and lists the failing
# cases, which must include the ones named in the table.  The working tree
# is never touched.  Not part of `make test`: it takes minutes per mutant.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/qemu/lib.sh"

# name @ file @ perl substitution @ a case that must fail
mutants=(
	"no-zero-fill@dmio_shim.c@s/zero_fill_bio\(bio\);//@failed_read_zero_fills_buffer"
	"wrong-bit@dmio_core.cpp@s/RegionIndex\{region\}/RegionIndex{region + 1}/@sync_sets_only_failing_regions_bits"
	"callback-twice@dmio_core.cpp@s/notify.fn\(bits, notify.context\);/notify.fn(bits, notify.context); notify.fn(bits, notify.context);/@callback_runs_once_for_many_bios"
	"no-empty-flush@dmio_core.cpp@s/empty_flush\(\{i\}\);/(void)i;/@flush_with_empty_region_reaches_device"
	"drop-fua@dmio_core.cpp@s/opf_\(c.op \| \(c.flags/opf_(c.op | (c.flags \& ~DMIO_REQ_FUA/@fua_write_reaches_device"
	"interruptible-wait@dmio_shim.c@s/wait_for_completion_io\(/(void)wait_for_completion_interruptible(/@sync_with_pending_signal_waits_for_all_bios"
	"no-end-check@dmio_core.cpp@s/if \(r.sector > size \|\| r.count > size - r.sector\)/if (0)/@rejects_region_past_device_end_and_writes_nothing"
	"no-trim@dmio_core.cpp@s/if \(where.count - at.n < got.n\)/if (false)/@shorter_regions_get_a_prefix_of_the_data"
	"no-rollback@dmio_shim.c@s/if \(!array\[p\] \|\| !spare\[p\]\)\n\t\t\tgoto out;/if (!array[p] || !spare[p])\n\t\t\tcontinue;/@get_is_all_or_nothing_under_failslab"
	"round-last-chunk@dmio_core.cpp@s/want = \{ktl::min\(rest.n, room.n\)\}/want = {ktl::round_down<unsigned long long>(ktl::min(rest.n, room.n), plan_.lim.block)}/@regions_with_different_block_sizes_round_trip"
	"ends-only-vmalloc-check@dmio_core.cpp@s/dmio_vmalloc_pages\(buf.vm, pages, nullptr\)/dmio_vmalloc_pages(end, 1, nullptr) + pages - 1/@rejects_vmalloc_range_with_a_hole_inside"
	"huge-leaf-offset@dmio_shim.c@s/pmd_pfn\(\*\(pmd_t \*\)pte\) \+\s*\(\(a & ~PMD_MASK\) >> PAGE_SHIFT\)/pmd_pfn(*(pmd_t *)pte)/@huge_vmalloc_buffer_round_trips"
	"stale-vmalloc-batch@dmio_core.cpp@s/if \(offset\(\) \+ bytes == DMIO_PAGE_SIZE\) next_\+\+;/;/@unaligned_vmalloc_buffer_round_trips"
	"no-clamp@dmio_mempool.cpp@s/pages = extra_;/;/@unbalanced_put_clamps_to_base"
	"unsupported-op-ok@dmio_core.cpp@s/failed_ \|= r.bit\(\);  \/\/ the device/\/\/ the device/@discard_on_unsupporting_device_sets_its_bit"
	# Issue 8's defects, each brought back:
	# 1. hold-and-wait: clones, or later bios, from the pool of first bios
	"clones-from-call-pool@dmio_shim.c@s/&pools->clones, bdev,/&pools->calls, bdev,/g@multi_region_call_issues_with_one_call_element_left"
	"chunks-from-call-pool@dmio_shim.c@s/&pools->chunks, bdev, nr_vecs, opf,/&pools->calls, bdev, nr_vecs, opf,/@long_call_issues_with_one_call_element_left"
	# 2. one reserve for every consumer
	"one-client@dmio_mempool.cpp@s/if \(s.owner.load\(\) == owner\) return/if (s.owner.load()) return/@consumer_with_reserve_held_does_not_starve_another"
	# 3. the flush on a call's first bio only
	"flush-first-bio-only@dmio_core.cpp@s/dmio_bio_alloc\(pools_, where.bdev, vecs, opf,/dmio_bio_alloc(pools_, where.bdev, vecs, opf & ~DMIO_REQ_PREFLUSH,/@preflush_reaches_every_bio_of_a_long_write"
	# 4. a vector table reserved per page
	"table-per-page@dmio_mempool.cpp@s/div_up\(pages, 4\)/pages/@get_grows_and_put_shrinks_reservation"
	# 5. entries refused unless whole blocks; bios not cut on block boundaries
	"whole-block-entries@dmio_core.cpp@s/!blocks.add\(\*bv, used\)/(used \& (lim.block - 1))/@o_direct_shaped_entries_write_to_4k_virtio_disk"
	"no-block-cut@dmio_core.cpp@s/if \(!plan_.lim.blocks_span_pieces\(\)\) return fill_pieces/if (true) return fill_pieces/@long_sub_block_write_cuts_bios_on_block_boundaries"
	# 6. hints refused
	"hints-refused@dmio_core.cpp@s/DMIO_REQ_FUA \| DMIO_REQ_PREFLUSH \| kHints;/DMIO_REQ_FUA | DMIO_REQ_PREFLUSH;/@o_direct_write_hints_pass_through"
	# 7. MMIO taken for RAM; BUG on a buffer unmapped mid-call
	"mmio-as-ram@dmio_core.cpp@s/if \(!dmio_vmalloc_is_ram\(buf.vm\) \|\| !dmio_vmalloc_is_ram\(end\)\)/if (false)/@rejects_ioremapped_memory"
	"bug-on-unmapped@dmio_core.cpp@s/if \(!batch_size_\) batch_\[0\] = nullptr;/if (!batch_size_) __builtin_trap();/@buffer_unmapped_mid_call_fails_the_rest"
	# The modern face: dm_io()'s promises
	"modern-refuses-like-classic@dmio_core.cpp@s/c.dm_io_semantics = true;/c.dm_io_semantics = false;/@region_past_the_end_fails_alone"
	"ioprio-dropped@dmio_core.cpp@s/if \(c_.ioprio\) dmio_bio_set_ioprio/if (false) dmio_bio_set_ioprio/@ioprio_reaches_every_bio_and_clone"
	"bio-iterator-ignored@dmio_core.cpp@s/walk\(BvecCursor\(buf.bvec, buf.offset\)\)/walk(BvecCursor(buf.bvec, 0))/@bio_memory_starts_at_its_iterator"
	"no-req-sync@dmio_core.cpp@s/c.flags \|= DMIO_REQ_SYNC;/;/@sync_call_adds_req_sync"
	"bits-zeroed-on-refusal@dmio_core.cpp@s/if \(error_bits && !c.dm_io_semantics\) \*error_bits = 0;/if (error_bits) *error_bits = 0;/@refused_sync_call_leaves_the_bits_alone"
	"fua-discard-refused@dmio_core.cpp@s/c.flags &= ~kWriteOnlyFlags;/c.flags &= ~0U;/@discard_with_fua_and_preflush_is_carried_out"
	# Bios for the other regions: copies of small leaders, clones of
	# large ones, each with the call's flags; the plug from chunk two on
	"clone-drops-flags@dmio_shim.c@s/bio->bi_opf = dmio_opf_to_kernel\(opf\);/bio->bi_opf = dmio_opf_to_kernel(opf \& DMIO_OP_MASK);/@five_vector_leader_is_cloned_with_flags_ioprio_and_trim"
	"always-clone@dmio_shim.c@s/src->bi_vcnt > pools->clone_inline_vecs/src->bi_vcnt > 0/@two_page_leader_is_copied_with_flags_ioprio_and_trim"
	"never-plug@dmio_core.cpp@s/if \(at.n\) plug_.start\(\);//@chunks_after_the_first_share_one_plug"
	"always-plug@dmio_core.cpp@s/if \(at.n\) plug_.start\(\);/plug_.start();/@chunks_after_the_first_share_one_plug"
	# Observability: events and counters that lie
	"done-drops-bits@dmio_core.cpp@s/dmio_call_done\(notify.trace_id, bits\)/dmio_call_done(notify.trace_id, 0)/@failed_region_bits_reach_the_done_event"
	"bios-uncounted@dmio_shim.c@s/this_cpu_inc\(dmio_stats.bios\);//@counters_count_entry_points_bios_and_bytes"
	"refusals-uncounted@dmio_stats.h@s/return dmio_call_refused\(trace_id, r\);/return r;/@counters_count_failed_and_refused_calls"
	"no-peak@dmio_shim.c@s/pools->peak\[p\] = out;/pools->peak[p] = 0;/@clients_show_reserve_and_peak"
	"table-unsampled@dmio_shim.c@s/\(!src && dmio_bio_has_table\(bio\) &&/(0 \&\& !src \&\& dmio_bio_has_table(bio) \&\&/@clients_show_a_table_lent_alone"
	# The per-CPU bio cache: never with the reserve lent
	# Entries continuing each other in a page merged; the plug by chunks
	"no-same-page-merge@dmio_core.cpp@s/if \(Cursor::kPiecesJoin && s.page == run.page && s.offset == run.offset \+ run.len\)/if (false)/@adjacent_entries_in_a_page_are_one_segment"
	"plug-by-table-size@dmio_core.cpp@s/if \(at.n && at.n \+ got.n < leader.count\) plug_.start\(\);/if (at.n \&\& rest.n > room.n) plug_.start();/@chunks_cut_to_max_segments_share_one_plug"
	"cache-keeps-lent-bio@dmio_shim.c@s/return !dmio_pool_lent\(&bio->bi_pool->bio_pool\);/return true;/@sync_call_gives_a_lent_bio_back_to_the_reserve"
)

want=("$@")
status=0
for m in "${mutants[@]}"; do
	IFS='@' read -r name file subst catcher <<<"$m"
	if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qx "$name"; then
		continue
	fi
	scratch=$(mktemp -d)
	git -C "$top" ls-files -z | (cd "$top" && xargs -0 cp --parents -t "$scratch")
	perl -0pi -e "$subst" "$scratch/$file"
	if cmp -s "$top/$file" "$scratch/$file"; then
		echo "$name: the edit did not apply (stale mutant)"
		status=1
		rm -rf "$scratch"
		continue
	fi
	for line in $DMIO_KERNELS; do
		kdir=$("$top/qemu/kernel.sh" debug "$line")
		make -s -C "$scratch" clean KDIR="$kdir" MIRROR= STRESS= >/dev/null 2>&1 || true
		make -s -C "$scratch" KDIR="$kdir" MIRROR= STRESS= modules >/dev/null 2>&1 || {
			echo "$name ($line): does not build"
			status=1
			rm -rf "$scratch"
			continue 2
		}
		vm=0
		DMIO_VM_TIMEOUT=900 "$top/qemu/run.sh" --kdir "$kdir" --name "mutant-$name-$line" --quiet \
			--ko "$scratch/dmio.ko" --files "$scratch/kunit/dmio_kunit.ko" \
			--script "$top/tests/kunit.sh" >/dev/null 2>&1 || vm=$?
		mlog="$top/out/logs/mutant-$name-$line.log"
		failing=$(sed -nE 's/^    not ok [0-9]+ (- )?([a-z0-9_]+).*/\2/p' "$mlog" | tr '\n' ' ')
		if grep -qw "$catcher" <<<"$failing"; then
			echo "$name ($line): caught by: $failing"
		elif [ $vm != 0 ] && ! grep -qE "^    ok [0-9]+ (- )?$catcher\$" "$mlog"; then
			echo "$name ($line): caught: the kernel failed in or before $catcher ($(grep -m1 -E 'BUG:|WARNING:|Kernel panic' "$mlog" || echo 'VM did not finish'))"
		else
			echo "$name ($line): NOT CAUGHT by $catcher (failing: ${failing:-none}; log out/logs/mutant-$name-$line.log)"
			status=1
		fi
	done
	rm -rf "$scratch"
done
exit $status
