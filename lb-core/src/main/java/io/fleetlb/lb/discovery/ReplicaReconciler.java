package io.fleetlb.lb.discovery;

import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the pool in line with what one source says should be there: replicas it wants and the
 * pool lacks are added, replicas it added and no longer wants (or wants with another URL, model
 * or limit) are removed. A source only ever touches the replicas it added, so Kubernetes, DNS
 * and the static list can feed one pool. An id that cannot be added yet (its previous replica is
 * still draining) is added by a later {@link #apply}, which the router runs every second.
 */
public final class ReplicaReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaReconciler.class);

  private final ReplicaPool pool;
  private final String source;
  private Map<String, ReplicaConfig> desired = Map.of();
  private final Set<String> owned = new HashSet<>();
  private final Set<String> conflicts = new HashSet<>();

  /**
   * A reconciler for one source.
   *
   * @param source its name in logs, e.g. {@code kubernetes}
   * @param initiallyOwned ids already in the pool that belong to this source (the static list)
   */
  public ReplicaReconciler(ReplicaPool pool, String source, Set<String> initiallyOwned) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.source = source;
    this.owned.addAll(initiallyOwned);
  }

  /** The source's complete current view, by replica id; applied at once. */
  public synchronized void desire(Map<String, ReplicaConfig> next) {
    desired = new LinkedHashMap<>(next);
    apply();
  }

  /** Adds and removes replicas until the pool holds what the source wants. */
  public synchronized void apply() {
    for (String id : new ArrayList<>(owned)) {
      Replica r = pool.byId(id);
      if (r == null) {
        owned.remove(id);
        continue;
      }
      ReplicaConfig want = desired.get(id);
      if (want == null || !want.equals(r.config())) {
        pool.remove(r);
        owned.remove(id);
      }
    }
    for (ReplicaConfig c : desired.values()) {
      if (owned.contains(c.id())) {
        continue;
      }
      Replica added = pool.add(c);
      if (added != null) {
        owned.add(c.id());
        conflicts.remove(c.id());
      } else if (conflicts.add(c.id())) {
        LOG.info("{}: replica {} waits to join until the replica with its id has left",
            source, c.id());
      }
    }
  }

  /** The ids this source has in the pool now. */
  public synchronized List<String> owned() {
    return List.copyOf(owned);
  }
}
