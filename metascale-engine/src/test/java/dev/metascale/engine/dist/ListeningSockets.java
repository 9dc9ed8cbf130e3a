package dev.metascale.engine.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets this process listens on, read from Linux's {@code /proc/net/tcp} and {@code tcp6} (state {@code 0A})
 * and matched to this process by the socket inodes of {@code /proc/self/fd}. Addresses are the kernel's hex form:
 * {@code 0100007F:1F90} is 127.0.0.1:8080; an IPv6 one has 32 hex digits.
 */
final class ListeningSockets {
    private ListeningSockets() {
    }

    /** The local addresses ({@code HEXADDR:HEXPORT}) of this process's listening TCP sockets. */
    static List<String> ofThisProcess() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<String> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.strip().split("\\s+");
                if (cells.length > 9 && cells[3].equals("0A") && inodes.contains(cells[9])) {
                    listening.add(cells[1]);
                }
            }
        }
        return listening;
    }

    /** 127.0.0.0/8, ::1, or an IPv4-mapped 127.x address. */
    static boolean isLoopback(String hexAddress) {
        String address = hexAddress.substring(0, hexAddress.indexOf(':')).toUpperCase(Locale.ROOT);
        if (address.length() == 8) {
            return address.endsWith("7F");
        }
        return address.equals("00000000000000000000000001000000")
                || (address.startsWith("0000000000000000FFFF0000") && address.endsWith("7F"));
    }
}
