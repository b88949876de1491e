package io.fleetlb.sim.engine;

import io.fleetlb.sim.tokens.TextGenerator;
import io.fleetlb.sim.tokens.TokenIds;
import java.util.Arrays;

/** The engine's mutable state for one request; owned and touched only by the engine's thread. */
public final class Sequence {

  enum Status {
    WAITING,
    RUNNING,
    FINISHED
  }

  final long id;
  final SequenceSpec spec;
  final long arrivalNanos;
  Status status = Status.WAITING;

  /** Tokens whose KV is computed. */
  int computed;

  /** Tokens the step in flight computes for it (0 between steps). */
  int planned;

  /** Tokens generated so far (the EOS token included). */
  int generated;

  /** KV block ids held, in token order; {@code blockCount} of them are valid. */
  int[] blocks = new int[8];

  int blockCount;

  /** Leading blocks already registered in the prefix cache under their hash. */
  int cachedBlocks;

  /** Prompt tokens found in the prefix cache at first scheduling (-1 before). */
  int cachedTokens = -1;

  long firstScheduledNanos = -1;
  long firstTokenNanos = -1;
  long lastTokenNanos = -1;
  boolean everPreempted;

  /** Hashes of full blocks past the prompt's (prompt tail plus generated tokens). */
  private long[] moreHashes;

  private int moreCount;
  private long[] tail;
  private int tailLength;
  private long parentHash;
  private final TextGenerator answer;

  Sequence(long id, SequenceSpec spec, long arrivalNanos) {
    this.id = id;
    this.spec = spec;
    this.arrivalNanos = arrivalNanos;
    if (spec.prompt() != null) {
      int blockSize = spec.prompt().blockSize();
      this.tail = Arrays.copyOf(spec.prompt().tail(), blockSize);
      this.tailLength = spec.prompt().tail().length;
      this.parentHash = spec.prompt().lastHash();
      this.answer = new TextGenerator(spec.textSeed());
    } else {
      this.answer = null;
    }
  }

  /** Tokens that must be in the KV cache before the next token can be sampled. */
  int total() {
    return spec.promptTokens() + generated;
  }

  /** True when the next scheduled token is a plain decode (prefill and recompute are done). */
  boolean decoding() {
    return generated > 0 && computed == total() - 1;
  }

  /** Full blocks whose hash is known (none for a sequence without prefix-cache identity). */
  int hashedBlocks() {
    return spec.prompt() == null ? 0 : spec.prompt().fullBlockHashes().length + moreCount;
  }

  /** Hash of full block {@code i} ({@code i < hashedBlocks()}). */
  long blockHash(int i) {
    long[] prompt = spec.prompt().fullBlockHashes();
    return i < prompt.length ? prompt[i] : moreHashes[i - prompt.length];
  }

  /** Records a sampled token: its id extends the hash chain, as vLLM hashes output blocks too. */
  void appendGenerated(boolean eos) {
    generated++;
    if (answer == null) {
      return;
    }
    tail[tailLength++] = eos ? TokenIds.EOT : answer.nextId();
    if (tailLength == tail.length) {
      parentHash = TokenIds.block(parentHash, tail, 0, tailLength);
      if (moreHashes == null) {
        moreHashes = new long[4];
      } else if (moreCount == moreHashes.length) {
        moreHashes = Arrays.copyOf(moreHashes, moreCount * 2);
      }
      moreHashes[moreCount++] = parentHash;
      tailLength = 0;
    }
  }

  void addBlock(int block) {
    if (blockCount == blocks.length) {
      blocks = Arrays.copyOf(blocks, blockCount * 2);
    }
    blocks[blockCount++] = block;
  }

  public long id() {
    return id;
  }

  public SequenceSpec spec() {
    return spec;
  }

  public int generated() {
    return generated;
  }
}
