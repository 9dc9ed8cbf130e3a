package dev.metascale.core.spec;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.DatasetDescriptor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of a user's data a trial reads, for the data sets that read a folder or table named by the environment
 * ({@link DatasetDescriptor#sources()}): {@code METASCALE_IMAGE_FOLDER=/abs/folder}, the path made absolute. It enters
 * the trial's identity ({@link TrialSpec#dataSource()}), so the same suite over another folder is another trial, and a
 * resume never skips it as done. Null for the data sets that install from packages.
 */
public final class DataSource {
    private DataSource() {
    }

    /** The data source of a trial on {@code dataset} evaluated on {@code evalDataset} (null: the same), or null. */
    public static String of(String dataset, String evalDataset, Map<String, String> env) {
        Set<String> names = new LinkedHashSet<>();
        names.add(dataset);
        if (evalDataset != null) {
            names.add(evalDataset);
        }
        List<String> parts = new ArrayList<>();
        for (String name : names) {
            List<String> sources = Components.dataset(name).map(DatasetDescriptor::sources).orElse(List.of());
            for (int i = 0; i < sources.size(); i++) {
                String value = env.get(sources.get(i));
                if (value != null && !value.isBlank()) {
                    parts.add(sources.get(i) + "=" + (i == 0 ? Path.of(value).toAbsolutePath().normalize() : value));
                }
            }
        }
        return parts.isEmpty() ? null : String.join(";", parts);
    }
}
