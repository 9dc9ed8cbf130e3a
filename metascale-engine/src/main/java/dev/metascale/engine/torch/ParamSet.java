package dev.metascale.engine.torch;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Named parameters of a functional model, in a fixed order. Models read their weights from a
 * ParamSet instead of owning them, so MAML's fast weights are just another ParamSet.
 */
public final class ParamSet {
    private final List<String> names;
    private final List<Tensor> tensors;
    private final Map<String, Integer> index;

    public ParamSet(List<String> names, List<Tensor> tensors) {
        this(names, tensors, null);
    }

    /** With {@code index} given, {@code names} is an already-checked name list and its index (shared, read-only). */
    private ParamSet(List<String> names, List<Tensor> tensors, Map<String, Integer> index) {
        if (names.size() != tensors.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + tensors.size() + " tensors");
        }
        this.tensors = Collections.unmodifiableList(new ArrayList<>(tensors));
        if (index != null) {
            this.names = names;
            this.index = index;
            return;
        }
        this.names = List.copyOf(names);
        this.index = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            if (this.index.put(names.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate parameter name " + names.get(i));
            }
        }
    }

    /**
     * The same names in the same order with new tensors (one per name): an inner-loop step's fast weights.
     * Shares this set's name index instead of rebuilding it.
     */
    public ParamSet withTensors(List<Tensor> newTensors) {
        return new ParamSet(names, newTensors, index);
    }

    public Tensor get(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; have " + names);
        }
        return tensors.get(i);
    }

    public boolean has(String name) {
        return index.containsKey(name);
    }

    public List<String> names() {
        return names;
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    public int size() {
        return names.size();
    }

    /** Bytes of the parameters' storage (numel × element size, summed). */
    public long bytes() {
        long total = 0;
        for (Tensor t : tensors) {
            total += t.numel() * t.element_size();
        }
        return total;
    }

    public long count() {
        long n = 0;
        for (Tensor t : tensors) {
            n += t.numel();
        }
        return n;
    }

    public TensorVector vector() {
        return new TensorVector(tensors.toArray(new Tensor[0]));
    }

    /** A new set with {@code f(name, tensor)} for each parameter, same names and order. */
    public ParamSet map(BiFunction<String, Tensor, Tensor> f) {
        List<Tensor> out = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            out.add(f.apply(names.get(i), tensors.get(i)));
        }
        return withTensors(out);
    }

    /** The subset whose names start with {@code prefix}, in order. */
    public ParamSet select(String prefix) {
        List<String> n = new ArrayList<>();
        List<Tensor> t = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).startsWith(prefix)) {
                n.add(names.get(i));
                t.add(tensors.get(i));
            }
        }
        return new ParamSet(n, t);
    }

    /** This set with the parameters of {@code other} replacing (or adding) those of the same name. */
    public ParamSet with(ParamSet other) {
        List<String> n = new ArrayList<>(names);
        List<Tensor> t = new ArrayList<>(tensors);
        for (int i = 0; i < other.size(); i++) {
            Integer at = index.get(other.names.get(i));
            if (at == null) {
                n.add(other.names.get(i));
                t.add(other.tensors.get(i));
            } else {
                t.set(at, other.tensors.get(i));
            }
        }
        return new ParamSet(n, t);
    }

    /** Detached copies that require grad: new leaves for an optimiser, kept alive beyond any scope. */
    public ParamSet leafCopies() {
        return map((name, t) -> {
            Tensor leaf = t.detach().clone();
            leaf.requires_grad_(true);
            leaf.retainReference();
            return leaf;
        });
    }
}
