package dev.metascale.engine.probe;

import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import org.bytedeco.pytorch.ActivityTypeSet;
import org.bytedeco.pytorch.ProfilerConfig;
import org.bytedeco.pytorch.global.torch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls into libtorch's Kineto profiler that JavaCPP does not bind, made through the JDK 17 foreign
 * function API ({@code jdk.incubator.foreign}). Only {@link KinetoProfiler} loads this class, and only when
 * the module is present, so a JVM without the flags never touches it.
 *
 * <p>Bound symbols of {@code libtorch_cpu.so} (2.10, Itanium C++ ABI on x86-64; a by-value class return is a
 * hidden pointer in the first register, before {@code this}):
 * <ul>
 *   <li>{@code enableProfiler(const ProfilerConfig&, const std::set<ActivityType>&, const std::unordered_set<RecordScope>&)}</li>
 *   <li>{@code std::unique_ptr<ProfilerResult> disableProfiler()}</li>
 *   <li>{@code ProfilerResult::save(const std::string&)} (the Chrome trace) and {@code ~ProfilerResult()}</li>
 *   <li>{@code KinetoEvent::name() / startNs() / durationNs() / startThreadId() / flops() / nBytes()}</li>
 * </ul>
 * Layouts read directly (checked by {@link #checkEventLayout}): {@code ProfilerResult} holds
 * {@code uint64_t trace_start_ns_} then {@code std::vector<KinetoEvent> events_}; a {@code KinetoEvent} is
 * {@value #EVENT_SIZE} bytes ending in an empty {@code std::unordered_map} ({@code kwinputs_}) at offset
 * {@value #KWINPUTS_OFFSET}, whose bucket pointer points at its own single bucket 48 bytes further.
 */
final class KinetoBinding {
    static final long EVENT_SIZE = 168;
    static final long KWINPUTS_OFFSET = 112;
    private static final long SINGLE_BUCKET_OFFSET = 48;
    private static final String PREFIX = "_ZN5torch8autograd8profiler";
    private static final String EVENT = "_ZNK5torch8autograd8profiler11KinetoEvent";

    private final MethodHandle enable;
    private final MethodHandle disable;
    private final MethodHandle save;
    private final MethodHandle destroy;
    private final MethodHandle name;
    private final MethodHandle startNs;
    private final MethodHandle durationNs;
    private final MethodHandle threadId;
    private final MethodHandle flops;
    private final MethodHandle nBytes;
    private final MethodHandle free;
    private final MethodHandle mallocTrim;
    private final ProfilerConfig config;
    private final ActivityTypeSet activities;

    /** Binds every symbol; throws {@link IllegalStateException} naming the first one missing. */
    KinetoBinding() throws Throwable {
        CLinker linker = CLinker.getInstance();
        String library = loadedLibrary("libtorch_cpu.so");
        MethodHandle dlopen = linker.downcallHandle(CLinker.systemLookup().lookup("dlopen").orElseThrow(),
                MethodType.methodType(MemoryAddress.class, MemoryAddress.class, int.class),
                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_INT));
        MethodHandle dlsym = linker.downcallHandle(CLinker.systemLookup().lookup("dlsym").orElseThrow(),
                MethodType.methodType(MemoryAddress.class, MemoryAddress.class, MemoryAddress.class),
                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER));
        MemoryAddress handle;
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            handle = (MemoryAddress) dlopen.invokeExact(CLinker.toCString(library, scope).address(), 1 /* RTLD_LAZY */ | 4 /* RTLD_NOLOAD */);
        }
        if (handle.equals(MemoryAddress.NULL)) {
            throw new IllegalStateException("dlopen(" + library + ", RTLD_NOLOAD) failed");
        }
        Symbols symbols = new Symbols(linker, dlsym, handle);
        enable = symbols.voidFn(PREFIX + "14enableProfilerERKNS_8profiler4impl14ProfilerConfigERKSt3setINS3_12ActivityTypeESt4lessIS8_ESaIS8_EERKSt13unordered_setIN2at11RecordScopeESt4hashISH_ESt8equal_toISH_ESaISH_EE", 3);
        disable = symbols.voidFn(PREFIX + "15disableProfilerEv", 1);
        save = symbols.voidFn(PREFIX + "14ProfilerResult4saveERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE", 2);
        destroy = symbols.voidFn(PREFIX + "14ProfilerResultD1Ev", 1);
        name = symbols.voidFn(EVENT + "4nameB5cxx11Ev", 2);
        startNs = symbols.longFn(EVENT + "7startNsEv");
        durationNs = symbols.longFn(EVENT + "10durationNsEv");
        threadId = symbols.longFn(EVENT + "13startThreadIdEv");
        flops = symbols.longFn(EVENT + "5flopsEv");
        nBytes = symbols.longFn(EVENT + "6nBytesEv");
        free = linker.downcallHandle(CLinker.systemLookup().lookup("free").orElseThrow(),
                MethodType.methodType(void.class, MemoryAddress.class), FunctionDescriptor.ofVoid(CLinker.C_POINTER));
        // glibc's malloc_trim: the workers' MALLOC_TRIM_THRESHOLD_ keeps freed heap mapped, so without it the
        // profiler's event buffers, once freed, would stay in the resident set for the rest of the trial
        mallocTrim = CLinker.systemLookup().lookup("malloc_trim").map(address -> linker.downcallHandle(address,
                MethodType.methodType(int.class, long.class), FunctionDescriptor.of(CLinker.C_INT, CLinker.C_LONG))).orElse(null);

        config = new ProfilerConfig(torch.ProfilerState.KINETO);
        config.report_input_shapes(true);
        config.profile_memory(true);
        config.with_flops(true);
        config.retainReference();
        activities = new ActivityTypeSet();
        activities.insert(torch.ActivityType.CPU);
        activities.retainReference();
    }

    /**
     * Starts recording on the calling thread. Every session must be prepared anew (as Python's profiler does):
     * a second enable without its own {@code prepareProfiler} crashed in Kineto's activity list.
     */
    void enable() throws Throwable {
        torch.prepareProfiler(config, activities);
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            // an empty std::unordered_set<RecordScope> (libstdc++): buckets → single bucket, 1 bucket, no nodes,
            // 0 elements, max load factor 1.0, next resize 0, single bucket null
            MemorySegment scopes = MemorySegment.allocateNative(56, 8, scope);
            scopes.fill((byte) 0);
            MemoryAccess.setAddressAtOffset(scopes, 0, scopes.address().addOffset(48));
            MemoryAccess.setLongAtOffset(scopes, 8, 1);
            MemoryAccess.setFloatAtOffset(scopes, 32, 1.0f);
            enable.invokeExact(MemoryAddress.ofLong(config.address()), MemoryAddress.ofLong(activities.address()), scopes.address());
        }
    }

    /**
     * Stops recording, reads every event, writes the Chrome trace to {@code trace} (when not null) and frees
     * the native result.
     */
    List<ProfiledEvent> disable(Path trace) throws Throwable {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(8, 8, scope);
            disable.invokeExact(out.address());
            MemoryAddress result = MemoryAccess.getAddressAtOffset(out, 0);
            if (result.equals(MemoryAddress.NULL)) {
                throw new IllegalStateException("disableProfiler returned no result");
            }
            try {
                MemorySegment header = result.asSegment(32, scope);
                long begin = MemoryAccess.getLongAtOffset(header, 8);
                long end = MemoryAccess.getLongAtOffset(header, 16);
                checkEventLayout(begin, end, scope);
                List<ProfiledEvent> events = new ArrayList<>((int) ((end - begin) / EVENT_SIZE));
                MemorySegment string = MemorySegment.allocateNative(32, 8, scope);
                for (long at = begin; at < end; at += EVENT_SIZE) {
                    MemoryAddress e = MemoryAddress.ofLong(at);
                    events.add(new ProfiledEvent(readName(e, string, scope), (long) startNs.invokeExact(e),
                            (long) durationNs.invokeExact(e), (long) threadId.invokeExact(e),
                            (long) flops.invokeExact(e), (long) nBytes.invokeExact(e)));
                }
                if (trace != null) {
                    Files.createDirectories(trace.toAbsolutePath().getParent());
                    byte[] path = trace.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
                    MemorySegment chars = MemorySegment.allocateNative(path.length + 1L, 1, scope);
                    chars.copyFrom(MemorySegment.ofArray(path));
                    MemoryAccess.setByteAtOffset(chars, path.length, (byte) 0);
                    // a std::string viewing our buffer; save() only reads it
                    MemorySegment str = MemorySegment.allocateNative(32, 8, scope);
                    MemoryAccess.setAddressAtOffset(str, 0, chars.address());
                    MemoryAccess.setLongAtOffset(str, 8, path.length);
                    MemoryAccess.setLongAtOffset(str, 16, path.length);
                    save.invokeExact(result, str.address());
                }
                return events;
            } finally {
                destroy.invokeExact(result);
                free.invokeExact(result);
                if (mallocTrim != null) {
                    int ignored = (int) mallocTrim.invokeExact(0L); // 1 when memory was released
                }
            }
        }
    }

    /** Fails unless the event array is a whole number of events, each with its kwinputs map in place. */
    private static void checkEventLayout(long begin, long end, ResourceScope scope) {
        if (begin == 0 || end < begin || (end - begin) % EVENT_SIZE != 0) {
            throw new IllegalStateException("ProfilerResult.events_ is not a vector of " + EVENT_SIZE
                    + "-byte KinetoEvents (begin " + begin + ", end " + end + ")");
        }
        MemorySegment all = MemoryAddress.ofLong(begin).asSegment(end - begin, scope);
        for (long at = 0; at < end - begin; at += EVENT_SIZE) {
            long buckets = MemoryAccess.getLongAtOffset(all, at + KWINPUTS_OFFSET);
            long bucketCount = MemoryAccess.getLongAtOffset(all, at + KWINPUTS_OFFSET + 8);
            long resultPtr = MemoryAccess.getLongAtOffset(all, at);
            boolean single = bucketCount == 1 && buckets == begin + at + KWINPUTS_OFFSET + SINGLE_BUCKET_OFFSET;
            if (resultPtr == 0 || !(single || (bucketCount > 1 && buckets != 0))) {
                throw new IllegalStateException("KinetoEvent layout differs from libtorch 2.10's at event "
                        + at / EVENT_SIZE + ": the kwinputs map is not where expected");
            }
        }
    }

    private String readName(MemoryAddress event, MemorySegment string, ResourceScope scope) throws Throwable {
        name.invokeExact(string.address(), event);
        MemoryAddress chars = MemoryAccess.getAddressAtOffset(string, 0);
        long length = MemoryAccess.getLongAtOffset(string, 8);
        if (length < 0 || length > 1 << 16) {
            throw new IllegalStateException("KinetoEvent::name() returned a string of length " + length);
        }
        String text = new String(chars.asSegment(length, scope).toByteArray(), StandardCharsets.UTF_8);
        if (!chars.equals(string.address().addOffset(16))) {
            free.invokeExact(chars);   // heap buffer of the std::string (operator delete is free in libstdc++)
        }
        return text;
    }

    /** Path of a shared library this process has loaded, from /proc/self/maps. */
    private static String loadedLibrary(String file) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash >= 0 && line.endsWith("/" + file)) {
                return line.substring(slash);
            }
        }
        throw new IllegalStateException(file + " is not loaded in this process");
    }

    /** dlsym lookups turned into method handles. */
    private record Symbols(CLinker linker, MethodHandle dlsym, MemoryAddress handle) {
        MemoryAddress find(String symbol) throws Throwable {
            try (ResourceScope scope = ResourceScope.newConfinedScope()) {
                MemoryAddress address = (MemoryAddress) dlsym.invokeExact(handle, CLinker.toCString(symbol, scope).address());
                if (address.equals(MemoryAddress.NULL)) {
                    throw new IllegalStateException("libtorch_cpu.so does not export " + symbol);
                }
                return address;
            }
        }

        MethodHandle voidFn(String symbol, int pointers) throws Throwable {
            Class<?>[] types = new Class<?>[pointers];
            jdk.incubator.foreign.MemoryLayout[] layouts = new jdk.incubator.foreign.MemoryLayout[pointers];
            java.util.Arrays.fill(types, MemoryAddress.class);
            java.util.Arrays.fill(layouts, CLinker.C_POINTER);
            return linker.downcallHandle(find(symbol), MethodType.methodType(void.class, types), FunctionDescriptor.ofVoid(layouts));
        }

        MethodHandle longFn(String symbol) throws Throwable {
            return linker.downcallHandle(find(symbol), MethodType.methodType(long.class, MemoryAddress.class),
                    FunctionDescriptor.of(CLinker.C_LONG, CLinker.C_POINTER));
        }
    }
}
