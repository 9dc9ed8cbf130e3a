package dev.metascale.engine.data;

import dev.metascale.core.component.Modality;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cross-domain few-shot text benchmark in the style of FLEX (Bragg et al. 2021, "FLEX: Unifying Evaluation for
 * Few-Shot NLP", sec. 4): meta-training and test <b>domains</b> are disjoint. {@code nlp-cross-domain}:
 * <ul>
 *   <li>train (and validation) domains — WordNet glosses by hypernym ({@code wordnet}) and by lexicographer file
 *       ({@code wordnet-lexname}): their train classes are the train split, their validation classes the validation
 *       split (what a tuning search selects on);</li>
 *   <li>test domains, every class of each — {@code fortunes} (humour and quotation categories),
 *       {@code sotu} (which president gave this State-of-the-Union passage) and {@code udhr-langid} (the language
 *       of a UDHR paragraph).</li>
 * </ul>
 * Class name {@code domain/class}, group = domain: with {@code sampler.within_group: true} every episode is drawn
 * within one domain and the test pool is shared equally between the test domains ({@link WithinGroupSampler}), and
 * the record's {@code samples.episode_group} says which episode was whose. The content hash covers the
 * components' hashes. Every component must be installed (the message of the first missing one says how).
 */
public final class CrossDomainTextDataset implements FewShotDataset {
    public static final String NAME = "nlp-cross-domain";
    static final String VERSION = "nlp-cross-domain-1";
    /** The meta-training domains. */
    public static final List<String> TRAIN_DOMAINS = List.of(WordNetDataset.NAME, WordNetDataset.LEXNAME);
    /** The test domains. */
    public static final List<String> TEST_DOMAINS = List.of(FortunesDataset.NAME, SotuDataset.NAME, UdhrLanguageDataset.NAME);

    /** One class of the composite: which domain's which split and class. */
    private record Member(String domain, FewShotDataset data, Split split, int index) {
    }

    private final String hash;
    private final Map<Split, List<Member>> members;
    private final Map<String, List<String>> skipped;
    private final FewShotDataset first;

    private CrossDomainTextDataset(String hash, Map<Split, List<Member>> members, Map<String, List<String>> skipped,
                                   FewShotDataset first) {
        this.hash = hash;
        this.members = members;
        this.skipped = skipped;
        this.first = first;
    }

    /** Opens every domain with {@code open} (name → data set) and composes them. */
    public static CrossDomainTextDataset open(long splitSeed, java.util.function.BiFunction<String, Long, FewShotDataset> open) {
        Map<String, FewShotDataset> train = new LinkedHashMap<>();
        TRAIN_DOMAINS.forEach(d -> train.put(d, open.apply(d, splitSeed)));
        Map<String, FewShotDataset> test = new LinkedHashMap<>();
        TEST_DOMAINS.forEach(d -> test.put(d, open.apply(d, splitSeed)));
        return compose(train, test);
    }

    /**
     * @param train domain → data set whose train and validation classes are the composite's
     * @param test  domain → data set all of whose classes are the composite's test classes
     * @throws IllegalArgumentException when the domains hold different kinds of example, or a domain is in both
     */
    static CrossDomainTextDataset compose(Map<String, FewShotDataset> train, Map<String, FewShotDataset> test) {
        FewShotDataset first = train.values().iterator().next();
        ContentHash hash = new ContentHash().text(VERSION);
        Map<Split, List<Member>> members = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            members.put(s, new ArrayList<>());
        }
        Map<String, List<String>> skipped = new java.util.TreeMap<>();
        Map<String, FewShotDataset> all = new LinkedHashMap<>(train);
        test.forEach((d, data) -> {
            if (all.put(d, data) != null) {
                throw new IllegalArgumentException("domain " + d + " is both a train and a test domain");
            }
        });
        all.forEach((domain, data) -> {
            if (data.modality() != first.modality() || data.width() != first.width() || data.height() != first.height()) {
                throw new IllegalArgumentException("domain " + domain + " holds " + data.modality() + " " + data.height() + "x"
                    + data.width() + ", " + first.name() + " " + first.modality() + " " + first.height() + "x" + first.width());
            }
            boolean isTest = test.containsKey(domain);
            hash.text((isTest ? "test:" : "train:") + domain).text(data.hash());
            for (Split from : Split.values()) {
                Split to = isTest ? Split.TEST : from;
                if (!isTest && from == Split.TEST) {
                    continue; // a train domain's test classes are not used: the test domains are others
                }
                for (int c = 0; c < data.classNames(from).size(); c++) {
                    members.get(to).add(new Member(domain, data, from, c));
                }
            }
            data.skipped().forEach((reason, what) -> skipped.computeIfAbsent(reason, k -> new ArrayList<>())
                .addAll(what.stream().map(w -> domain + "/" + w).toList()));
        });
        members.replaceAll((s, list) -> List.copyOf(list));
        return new CrossDomainTextDataset(hash.hex(), members, Map.copyOf(skipped), first);
    }

    private Member member(Split split, int classIndex) {
        List<Member> list = members.get(split);
        return list.get(java.util.Objects.checkIndex(classIndex, list.size()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public String hash() {
        return hash;
    }

    @Override
    public Modality modality() {
        return first.modality();
    }

    @Override
    public int vocabularySize() {
        return first.vocabularySize();
    }

    @Override
    public int height() {
        return first.height();
    }

    @Override
    public int width() {
        return first.width();
    }

    @Override
    public Map<String, List<String>> skipped() {
        return skipped;
    }

    @Override
    public List<String> classNames(Split split) {
        return members.get(split).stream().map(m -> m.domain() + "/" + m.data().classNames(m.split()).get(m.index())).toList();
    }

    /** The domain of each class. */
    @Override
    public List<String> groupNames(Split split) {
        return members.get(split).stream().map(Member::domain).toList();
    }

    @Override
    public int examplesPerClass(Split split, int classIndex) {
        Member m = member(split, classIndex);
        return m.data().examplesPerClass(m.split(), m.index());
    }

    @Override
    public float[][] examples(Split split, int classIndex) {
        Member m = member(split, classIndex);
        return m.data().examples(m.split(), m.index());
    }
}
