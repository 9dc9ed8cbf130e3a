package dev.metascale.core.result;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The records of one run read as one, from one or several run directories: each directory's own {@code results.jsonl}
 * and those of its shards ({@code shard-I-of-N/results.jsonl}, written by {@code run --shard}), in that order.
 *
 * <p>A trial's records normally live in one file (a failure and its later successful re-run included). When two
 * files both record the same trial ok — a trial run by two shards of different partitions, or directories that
 * overlap — the ok record of the first file that has one is kept, the other files' ok records of that trial left out
 * (their failed attempts stay, listed as failures re-run ok), and a warning names the trial, the files and what to do;
 * an identical record read twice (a copied file) counts once.
 *
 * @param records  every kept record, in source order
 * @param sources  the files read, in order
 * @param warnings one line per conflict
 */
public record RunRecords(List<TrialResult> records, List<Path> sources, List<String> warnings) {
    public RunRecords {
        records = List.copyOf(records);
        sources = List.copyOf(sources);
        warnings = List.copyOf(warnings);
    }

    /** The results files of a run directory: its own, then its shards' in name order (only those that exist). */
    public static List<Path> files(Path runDir) throws IOException {
        List<Path> out = new ArrayList<>();
        Path own = runDir.resolve(ResultStore.FILE_NAME);
        if (Files.exists(own)) {
            out.add(own);
        }
        if (Files.isDirectory(runDir)) {
            try (Stream<Path> children = Files.list(runDir)) {
                children.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("shard-\\d+-of-\\d+"))
                        .sorted().map(p -> p.resolve(ResultStore.FILE_NAME)).filter(Files::exists).forEach(out::add);
            }
        }
        return out;
    }

    /** Whether {@code runDir} holds any results file (its own or a shard's). */
    public static boolean exist(Path runDir) throws IOException {
        return !files(runDir).isEmpty();
    }

    /** The records of {@code runDirs} merged as described above. */
    public static RunRecords read(List<Path> runDirs) throws IOException {
        List<Path> sources = new ArrayList<>();
        for (Path dir : runDirs) {
            for (Path f : files(dir)) {
                if (!sources.contains(f.toAbsolutePath().normalize())) {
                    sources.add(f.toAbsolutePath().normalize());
                }
            }
        }
        Map<Path, List<TrialResult>> bySource = new LinkedHashMap<>();
        for (Path f : sources) {
            bySource.put(f, new ResultStore(f.getParent()).readAll());
        }
        Map<String, Path> okIn = new LinkedHashMap<>();
        for (Map.Entry<Path, List<TrialResult>> e : bySource.entrySet()) {
            for (TrialResult r : e.getValue()) {
                if (r.isOk()) {
                    okIn.putIfAbsent(r.trialId(), e.getKey());
                }
            }
        }
        List<TrialResult> kept = new ArrayList<>();
        Set<String> lines = new LinkedHashSet<>();
        Map<String, Set<Path>> conflicts = new LinkedHashMap<>();
        for (Map.Entry<Path, List<TrialResult>> e : bySource.entrySet()) {
            for (TrialResult r : e.getValue()) {
                String line = r.toJsonLine();
                Path owner = okIn.get(r.trialId());
                if (r.isOk() && owner != null && !owner.equals(e.getKey())) {
                    if (!lines.contains(line)) {
                        conflicts.computeIfAbsent(r.trialId(), k -> new LinkedHashSet<>(List.of(owner))).add(e.getKey());
                    }
                    continue;
                }
                if (lines.add(line)) {
                    kept.add(r);
                }
            }
        }
        List<String> warnings = new ArrayList<>();
        conflicts.forEach((id, files) -> {
            List<Path> list = new ArrayList<>(files);
            warnings.add("trial " + id + " is recorded ok in " + list.get(0) + " and also in " + list.subList(1, list.size())
                    + ": kept the records of the first, left out the others; delete the duplicate records (or report the"
                    + " directories apart) to silence this");
        });
        return new RunRecords(kept, sources, warnings);
    }
}
