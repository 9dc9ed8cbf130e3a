package dev.metascale.engine.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where data sets shipped as npm packages are found: metascale's npm folder {@code ~/.cache/metascale/npm} (where
 * {@code bin/install-packages npm:NAME} installs, no root needed), then {@code $METASCALE_DATA}, each under
 * {@code node_modules/}.
 */
final class NpmPackages {
    private NpmPackages() {
    }

    /** The candidate folders of {@code node_modules/<first>/<more...>}, in search order. */
    static List<Path> searchPath(String first, String... more) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(Path.of(System.getProperty("user.home"), ".cache", "metascale", "npm", "node_modules").resolve(Path.of(first, more)));
        String data = System.getenv("METASCALE_DATA");
        if (data != null) {
            dirs.add(Path.of(data, "node_modules").resolve(Path.of(first, more)));
        }
        return dirs;
    }
}
