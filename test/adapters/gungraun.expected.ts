// Expected BMF for every gungraun fixture, read off the fixture text by hand: each metric is the
// new (left) value the tool printed, under Bencher's measure slug; "none" = no results.
import type { Bmf } from "../../src/domain/bmf.js"

export const gungraunExpected: Readonly<Record<string, Bmf | "none">> = {
  "ansi-escapes.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      instructions: { value: 1734 },
      "l1-hits": { value: 2359 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 2362 },
      "estimated-cycles": { value: 2464 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      instructions: { value: 26214734 },
      "l1-hits": { value: 35638619 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 35638622 },
      "estimated-cycles": { value: 35638724 }
    }
  },
  "cachegrind.txt": {
    "rust_iai_callgrind::custom_format::cachegrind_format just_instructions": {
      instructions: { value: 1 }
    },
    "rust_iai_callgrind::custom_format::cachegrind_format metrics_mixed": {
      "i1-miss-rate": { value: 1 },
      dr: { value: 2 },
      "estimated-cycles": { value: 3 },
      "total-read-write": { value: 4 }
    },
    "rust_iai_callgrind::custom_format::cachegrind_format all_metrics": {
      instructions: { value: 1 },
      dr: { value: 2 },
      dw: { value: 3 },
      i1mr: { value: 4 },
      d1mr: { value: 5 },
      d1mw: { value: 6 },
      ilmr: { value: 7 },
      dlmr: { value: 8 },
      dlmw: { value: 9 },
      "i1-miss-rate": { value: 10 },
      "lli-miss-rate": { value: 11 },
      "d1-miss-rate": { value: 12 },
      "lld-miss-rate": { value: 13 },
      "ll-miss-rate": { value: 14 },
      "l1-hits": { value: 15 },
      "l2-hits": { value: 16 },
      "ram-hits": { value: 17 },
      "l1-hit-rate": { value: 18 },
      "ll-hit-rate": { value: 19 },
      "ram-hit-rate": { value: 20 },
      "total-read-write": { value: 21 },
      "estimated-cycles": { value: 22 }
    }
  },
  "callgrind-all.txt": {
    "rust_iai_callgrind::custom_format::callgrind_format all_with_wb": {
      instructions: { value: 1 },
      dr: { value: 2 },
      dw: { value: 3 },
      i1mr: { value: 4 },
      d1mr: { value: 5 },
      d1mw: { value: 6 },
      ilmr: { value: 7 },
      dlmr: { value: 8 },
      dlmw: { value: 9 },
      "i1-miss-rate": { value: 10 },
      "lli-miss-rate": { value: 11 },
      "d1-miss-rate": { value: 12 },
      "lld-miss-rate": { value: 13 },
      "ll-miss-rate": { value: 14 },
      "l1-hits": { value: 15 },
      "l2-hits": { value: 16 },
      "ram-hits": { value: 17 },
      "l1-hit-rate": { value: 18 },
      "ll-hit-rate": { value: 19 },
      "ram-hit-rate": { value: 20 },
      "total-read-write": { value: 21 },
      "estimated-cycles": { value: 22 },
      "sys-count": { value: 23 },
      "sys-time": { value: 24 },
      "sys-cpu-time": { value: 25 },
      "global-bus-events": { value: 26 },
      bc: { value: 27 },
      bcm: { value: 28 },
      bi: { value: 29 },
      bim: { value: 30 },
      ildmr: { value: 31 },
      dldmr: { value: 32 },
      dldmw: { value: 33 }
    },
    "rust_iai_callgrind::custom_format::callgrind_format all_with_cachuse": {
      instructions: { value: 1 },
      dr: { value: 2 },
      dw: { value: 3 },
      i1mr: { value: 4 },
      d1mr: { value: 5 },
      d1mw: { value: 6 },
      ilmr: { value: 7 },
      dlmr: { value: 8 },
      dlmw: { value: 9 },
      "i1-miss-rate": { value: 10 },
      "lli-miss-rate": { value: 11 },
      "d1-miss-rate": { value: 12 },
      "lld-miss-rate": { value: 13 },
      "ll-miss-rate": { value: 14 },
      "l1-hits": { value: 15 },
      "l2-hits": { value: 16 },
      "ram-hits": { value: 17 },
      "l1-hit-rate": { value: 18 },
      "ll-hit-rate": { value: 19 },
      "ram-hit-rate": { value: 20 },
      "total-read-write": { value: 21 },
      "estimated-cycles": { value: 22 },
      "sys-count": { value: 23 },
      "sys-time": { value: 24 },
      "sys-cpu-time": { value: 25 },
      "global-bus-events": { value: 26 },
      bc: { value: 27 },
      bcm: { value: 28 },
      bi: { value: 29 },
      bim: { value: 30 },
      accost1: { value: 31 },
      accost2: { value: 32 },
      sploss1: { value: 33 },
      sploss2: { value: 34 }
    }
  },
  "callgrind-ll-hits.txt": {
    "rust_iai_callgrind::custom_format::callgrind_format ll_hits": {
      instructions: { value: 10 },
      "ll-hits": { value: 20 }
    },
    "rust_iai_callgrind::custom_format::callgrind_format ll_hits_mixed": {
      "ll-hits": { value: 2 },
      instructions: { value: 1 }
    }
  },
  "callgrind-mixed-order.txt": {
    "rust_iai_callgrind::custom_format::callgrind_format mixed_1": {
      instructions: { value: 1 },
      dw: { value: 3 },
      dr: { value: 2 }
    },
    "rust_iai_callgrind::custom_format::callgrind_format mixed_2": {
      dr: { value: 2 },
      dw: { value: 3 },
      instructions: { value: 1 }
    }
  },
  "delta.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      instructions: { value: 1734 },
      "l1-hits": { value: 2359 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 2362 },
      "estimated-cycles": { value: 2464 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      instructions: { value: 26214734 },
      "l1-hits": { value: 35638619 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 35638622 },
      "estimated-cycles": { value: 35638724 }
    }
  },
  "delta_with_inf.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      instructions: { value: 1734 },
      "l1-hits": { value: 2359 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 0 },
      "estimated-cycles": { value: 2464 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      instructions: { value: 26214734 },
      "l1-hits": { value: 35638619 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 35638622 },
      "estimated-cycles": { value: 35638724 }
    }
  },
  "dhat-then-callgrind.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      "total-bytes": { value: 29499 },
      "total-blocks": { value: 2806 },
      "at-t-gmax-bytes": { value: 378 },
      "at-t-gmax-blocks": { value: 34 },
      "at-t-end-bytes": { value: 0 },
      "at-t-end-blocks": { value: 0 },
      "reads-bytes": { value: 57725 },
      "writes-bytes": { value: 73810 },
      instructions: { value: 1734 },
      "l1-hits": { value: 2359 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 2362 },
      "estimated-cycles": { value: 2464 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      "total-bytes": { value: 26294939 },
      "total-blocks": { value: 2328086 },
      "at-t-gmax-bytes": { value: 933718 },
      "at-t-gmax-blocks": { value: 18344 },
      "at-t-end-bytes": { value: 0 },
      "at-t-end-blocks": { value: 0 },
      "reads-bytes": { value: 47577425 },
      "writes-bytes": { value: 37733810 },
      instructions: { value: 26214734 },
      "l1-hits": { value: 35638619 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 35638622 },
      "estimated-cycles": { value: 35638724 }
    }
  },
  "drd.txt": {
    "rust_iai_callgrind::custom_format::drd_format just_errors": {
      "drd-errors": { value: 1 }
    },
    "rust_iai_callgrind::custom_format::drd_format metrics_mixed": {
      "drd-contexts": { value: 1 },
      "drd-suppressed-contexts": { value: 2 },
      "drd-suppressed-errors": { value: 3 },
      "drd-errors": { value: 4 }
    },
    "rust_iai_callgrind::custom_format::drd_format all_metrics": {
      "drd-errors": { value: 1 },
      "drd-contexts": { value: 2 },
      "drd-suppressed-errors": { value: 3 },
      "drd-suppressed-contexts": { value: 4 }
    }
  },
  "helgrind.txt": {
    "rust_iai_callgrind::custom_format::helgrind_format just_errors": {
      "helgrind-errors": { value: 1 }
    },
    "rust_iai_callgrind::custom_format::helgrind_format metrics_mixed": {
      "helgrind-contexts": { value: 1 },
      "helgrind-suppressed-contexts": { value: 2 },
      "helgrind-suppressed-errors": { value: 3 },
      "helgrind-errors": { value: 4 }
    },
    "rust_iai_callgrind::custom_format::helgrind_format all_metrics": {
      "helgrind-errors": { value: 1 },
      "helgrind-contexts": { value: 2 },
      "helgrind-suppressed-errors": { value: 3 },
      "helgrind-suppressed-contexts": { value: 4 }
    }
  },
  "json_multiple_benchmarks.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::first_id": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 },
      "at-t-end-blocks": { value: 1 }
    },
    "play_game::bench_play_game_group::bench_play_game_100::second_id": {
      "memcheck-contexts": { value: 0 },
      "memcheck-errors": { value: 1 },
      "memcheck-suppressed-contexts": { value: 2 },
      "memcheck-suppressed-errors": { value: 3 }
    }
  },
  "json_multiple_tools.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 },
      "at-t-end-blocks": { value: 1 }
    }
  },
  "json_no_id_no_details.txt": {
    "play_game::bench_play_game_group::bench_play_game_100": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 }
    }
  },
  "json_not_v6.txt": "none",
  "json_one_cachegrind_all_metrics.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      bc: { value: 0 },
      bcm: { value: 100 },
      bi: { value: 200 },
      bim: { value: 300 },
      "d1-miss-rate": { value: 0 },
      d1mr: { value: 400 },
      d1mw: { value: 500 },
      dlmr: { value: 600 },
      dlmw: { value: 700 },
      dr: { value: 800 },
      dw: { value: 900 },
      "estimated-cycles": { value: 1000 },
      "i1-miss-rate": { value: 0.1 },
      i1mr: { value: 1100 },
      ilmr: { value: 1200 },
      instructions: { value: 1300 },
      "l1-hit-rate": { value: 0.2 },
      "l1-hits": { value: 1400 },
      "ll-hit-rate": { value: 0.3 },
      "ll-miss-rate": { value: 0.4 },
      "lld-miss-rate": { value: 0.5 },
      "ll-hits": { value: 1500 },
      "lli-miss-rate": { value: 0.6 },
      "ram-hit-rate": { value: 0.7 },
      "ram-hits": { value: 1600 },
      "total-read-write": { value: 1700 }
    }
  },
  "json_one_callgrind_all_metrics.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      accost1: { value: 0 },
      accost2: { value: 100 },
      bc: { value: 200 },
      bcm: { value: 300 },
      bi: { value: 400 },
      bim: { value: 500 },
      "d1-miss-rate": { value: 0 },
      d1mr: { value: 600 },
      d1mw: { value: 700 },
      dldmr: { value: 800 },
      dldmw: { value: 900 },
      dlmr: { value: 1000 },
      dlmw: { value: 1100 },
      dr: { value: 1200 },
      dw: { value: 1300 },
      "estimated-cycles": { value: 1400 },
      "global-bus-events": { value: 1500 },
      "i1-miss-rate": { value: 0.1 },
      i1mr: { value: 1600 },
      ildmr: { value: 1700 },
      ilmr: { value: 1800 },
      instructions: { value: 1900 },
      "l1-hit-rate": { value: 0.2 },
      "l1-hits": { value: 2000 },
      "ll-hit-rate": { value: 0.3 },
      "ll-miss-rate": { value: 0.4 },
      "lld-miss-rate": { value: 0.5 },
      "ll-hits": { value: 2100 },
      "lli-miss-rate": { value: 0.6 },
      "ram-hit-rate": { value: 0.7 },
      "ram-hits": { value: 2200 },
      sploss1: { value: 2300 },
      sploss2: { value: 2400 },
      "sys-count": { value: 2500 },
      "sys-cpu-time": { value: 2600 },
      "sys-time": { value: 2700 },
      "total-read-write": { value: 2800 }
    }
  },
  "json_one_callgrind_diff.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 }
    }
  },
  "json_one_callgrind_no_diff_new.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 }
    }
  },
  "json_one_callgrind_no_diff_old.txt": "none",
  "json_one_dhat_all_metrics.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "at-t-end-blocks": { value: 0 },
      "at-t-end-bytes": { value: 1 },
      "at-t-gmax-blocks": { value: 2 },
      "at-t-gmax-bytes": { value: 3 },
      "maximum-blocks": { value: 4 },
      "maximum-bytes": { value: 5 },
      "reads-bytes": { value: 6 },
      "total-blocks": { value: 7 },
      "total-bytes": { value: 8 },
      "total-events": { value: 9 },
      "total-lifetimes": { value: 10 },
      "total-units": { value: 11 },
      "writes-bytes": { value: 12 }
    }
  },
  "json_one_drd_all_metrics.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "drd-contexts": { value: 0 },
      "drd-errors": { value: 1 },
      "drd-suppressed-contexts": { value: 2 },
      "drd-suppressed-errors": { value: 3 }
    }
  },
  "json_one_helgrind_all_metrics.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "helgrind-contexts": { value: 0 },
      "helgrind-errors": { value: 1 },
      "helgrind-suppressed-contexts": { value: 2 },
      "helgrind-suppressed-errors": { value: 3 }
    }
  },
  "json_one_memcheck_all_metrics.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "memcheck-contexts": { value: 0 },
      "memcheck-errors": { value: 1 },
      "memcheck-suppressed-contexts": { value: 2 },
      "memcheck-suppressed-errors": { value: 3 }
    }
  },
  "json_one_tool_without_metrics.txt": "none",
  "json_pretty_mixed_foreign_ndjson.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 }
    }
  },
  "json_pretty_mixed_foreign_pretty_and_ndjson.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 }
    }
  },
  "json_pretty_mixed_ndjson_two_callgrind.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::first": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 }
    },
    "play_game::bench_play_game_group::bench_play_game_100::second": {
      "d1-miss-rate": { value: 0.2 },
      d1mr: { value: 7 }
    }
  },
  "json_pretty_one_callgrind.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 }
    }
  },
  "json_pretty_one_callgrind_indented.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 }
    }
  },
  "json_pretty_two_callgrind.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::first": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 }
    },
    "play_game::bench_play_game_group::bench_play_game_100::second": {
      "d1-miss-rate": { value: 0.2 },
      d1mr: { value: 7 }
    }
  },
  "json_truncated_pretty_then_ndjson.txt": {
    "play_game::bench_play_game_group::bench_play_game_100::some_id": {
      "d1-miss-rate": { value: 0.1 },
      d1mr: { value: 6 }
    }
  },
  "memcheck.txt": {
    "rust_iai_callgrind::custom_format::memcheck_format just_errors": {
      "memcheck-errors": { value: 1 }
    },
    "rust_iai_callgrind::custom_format::memcheck_format metrics_mixed": {
      "memcheck-contexts": { value: 1 },
      "memcheck-suppressed-contexts": { value: 2 },
      "memcheck-suppressed-errors": { value: 3 },
      "memcheck-errors": { value: 4 }
    },
    "rust_iai_callgrind::custom_format::memcheck_format all_metrics": {
      "memcheck-errors": { value: 1 },
      "memcheck-contexts": { value: 2 },
      "memcheck-suppressed-errors": { value: 3 },
      "memcheck-suppressed-contexts": { value: 4 }
    }
  },
  "name_on_multiple_lines.txt": {
    "rust_iai_callgrind::bench::multiple_lines id:string with two\nlines": {
      instructions: { value: 1 },
      "l1-hits": { value: 2 },
      "l2-hits": { value: 3 },
      "ram-hits": { value: 4 },
      "total-read-write": { value: 5 },
      "estimated-cycles": { value: 6 }
    },
    "rust_iai_callgrind::bench::multiple_lines id:string with multiple\nlines\nand one more": {
      instructions: { value: 7 },
      "l1-hits": { value: 8 },
      "l2-hits": { value: 9 },
      "ram-hits": { value: 10 },
      "total-read-write": { value: 11 },
      "estimated-cycles": { value: 12 }
    }
  },
  "name_on_multiple_lines_mixed.txt": {
    "rust_iai_callgrind::bench::multiple_lines id:first with one line": {
      instructions: { value: 1 },
      "l1-hits": { value: 2 },
      "l2-hits": { value: 3 },
      "ram-hits": { value: 4 },
      "total-read-write": { value: 5 },
      "estimated-cycles": { value: 6 }
    },
    "rust_iai_callgrind::bench::multiple_lines id:two\nlines": {
      instructions: { value: 7 },
      "l1-hits": { value: 8 },
      "l2-hits": { value: 9 },
      "ram-hits": { value: 10 },
      "total-read-write": { value: 11 },
      "estimated-cycles": { value: 12 }
    },
    "rust_iai_callgrind::bench::multiple_lines id:last with one line": {
      instructions: { value: 13 },
      "l1-hits": { value: 14 },
      "l2-hits": { value: 15 },
      "ram-hits": { value: 16 },
      "total-read-write": { value: 17 },
      "estimated-cycles": { value: 18 }
    }
  },
  "with-dhat-and-global-bus-events.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      instructions: { value: 1734 },
      "l1-hits": { value: 2359 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 2362 },
      "estimated-cycles": { value: 2464 },
      "global-bus-events": { value: 2 },
      "total-bytes": { value: 29499 },
      "total-blocks": { value: 2806 },
      "at-t-gmax-bytes": { value: 378 },
      "at-t-gmax-blocks": { value: 34 },
      "at-t-end-bytes": { value: 0 },
      "at-t-end-blocks": { value: 0 },
      "reads-bytes": { value: 57725 },
      "writes-bytes": { value: 73810 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      instructions: { value: 26214734 },
      "l1-hits": { value: 35638619 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 35638622 },
      "estimated-cycles": { value: 35638724 },
      "global-bus-events": { value: 10 },
      "total-bytes": { value: 26294939 },
      "total-blocks": { value: 2328086 },
      "at-t-gmax-bytes": { value: 933718 },
      "at-t-gmax-blocks": { value: 18344 },
      "at-t-end-bytes": { value: 0 },
      "at-t-end-blocks": { value: 0 },
      "reads-bytes": { value: 47577425 },
      "writes-bytes": { value: 37733810 }
    }
  },
  "with-dhat.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      instructions: { value: 1734 },
      "l1-hits": { value: 2359 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 2362 },
      "estimated-cycles": { value: 2464 },
      "total-bytes": { value: 29499 },
      "total-blocks": { value: 2806 },
      "at-t-gmax-bytes": { value: 378 },
      "at-t-gmax-blocks": { value: 34 },
      "at-t-end-bytes": { value: 0 },
      "at-t-end-blocks": { value: 0 },
      "reads-bytes": { value: 57725 },
      "writes-bytes": { value: 73810 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      instructions: { value: 26214734 },
      "l1-hits": { value: 35638619 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 35638622 },
      "estimated-cycles": { value: 35638724 },
      "total-bytes": { value: 26294939 },
      "total-blocks": { value: 2328086 },
      "at-t-gmax-bytes": { value: 933718 },
      "at-t-gmax-blocks": { value: 18344 },
      "at-t-end-bytes": { value: 0 },
      "at-t-end-blocks": { value: 0 },
      "reads-bytes": { value: 47577425 },
      "writes-bytes": { value: 37733810 }
    }
  },
  "with-ge.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      instructions: { value: 1734 },
      "l1-hits": { value: 2359 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 2362 },
      "estimated-cycles": { value: 2464 },
      "global-bus-events": { value: 2 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      instructions: { value: 26214734 },
      "l1-hits": { value: 35638619 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 35638622 },
      "estimated-cycles": { value: 35638724 },
      "global-bus-events": { value: 10 }
    }
  },
  "with-gungraun-summary.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      instructions: { value: 1734 },
      "l1-hits": { value: 2359 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 2362 },
      "estimated-cycles": { value: 2464 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      instructions: { value: 26214734 },
      "l1-hits": { value: 35638619 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 35638622 },
      "estimated-cycles": { value: 35638724 }
    }
  },
  "with-summary-and-regressions.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      instructions: { value: 1734 },
      "l1-hits": { value: 2359 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 2362 },
      "estimated-cycles": { value: 2464 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      instructions: { value: 26214734 },
      "l1-hits": { value: 35638619 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 35638622 },
      "estimated-cycles": { value: 35638724 }
    }
  },
  "without-cachesim.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      instructions: { value: 1734 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      instructions: { value: 26214734 }
    }
  },
  "without-optional-metrics.txt": {
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10": {
      instructions: { value: 1734 },
      "l1-hits": { value: 2359 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 2362 },
      "estimated-cycles": { value: 2464 }
    },
    "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30": {
      instructions: { value: 26214734 },
      "l1-hits": { value: 35638619 },
      "l2-hits": { value: 0 },
      "ram-hits": { value: 3 },
      "total-read-write": { value: 35638622 },
      "estimated-cycles": { value: 35638724 }
    }
  }
}
