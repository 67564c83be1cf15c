//! The community network: an undirected graph over customer slots, fixed for a run.
//!
//! Stored in compressed sparse row form (`u32` offsets and neighbour indices, 4 bytes per tie
//! end) so that a customer's neighbours are one contiguous slice. Built once per replication
//! from its own random stream; self-loops and duplicate ties are removed.

use rayon::prelude::*;

use super::config::NetworkKind;
use super::rng::{self, Purpose};

/// Nodes per parallel task when sorting adjacency lists.
const SORT_GROUP: usize = 4096;

/// Undirected graph in CSR form.
#[derive(Debug, Clone)]
pub struct Network {
    offsets: Vec<u32>,
    neighbours: Vec<u32>,
}

impl Network {
    /// Builds a network of `nodes` slots with about `mean_degree` ties per slot.
    /// `mean_degree < nodes` is a precondition (checked by config validation).
    pub fn build(
        kind: NetworkKind,
        nodes: u32,
        mean_degree: u32,
        rewiring: f64,
        replication_seed: u64,
    ) -> Network {
        let mut stream = rng::stream(replication_seed, Purpose::Network, 0, 0);
        let degree = mean_degree.min(nodes.saturating_sub(1));
        let edges = match kind {
            NetworkKind::SmallWorld => {
                return small_world(nodes, degree, rewiring as f32, &mut stream);
            }
            NetworkKind::ScaleFree => scale_free(nodes, degree, &mut stream),
            NetworkKind::Random => random(nodes, degree, &mut stream),
        };
        Network::from_edges(nodes, &edges)
    }

    /// CSR from an undirected edge list; drops self-loops and duplicates.
    pub fn from_edges(nodes: u32, edges: &[(u32, u32)]) -> Network {
        let n = nodes as usize;
        // Tie ends per node, then their offsets.
        let mut offsets = vec![0u32; n + 1];
        for &(a, b) in edges {
            if a != b {
                offsets[a as usize + 1] += 1;
                offsets[b as usize + 1] += 1;
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut neighbours = vec![0u32; offsets[n] as usize];
        let mut fill = offsets[..n].to_vec();
        for &(a, b) in edges {
            if a != b {
                neighbours[fill[a as usize] as usize] = b;
                fill[a as usize] += 1;
                neighbours[fill[b as usize] as usize] = a;
                fill[b as usize] += 1;
            }
        }
        drop(fill);

        // Sort and deduplicate every adjacency list in place (its distinct entries move to its
        // front), in parallel over groups of nodes that own contiguous runs of the lists.
        let mut distinct = vec![0u32; n];
        let mut groups = Vec::with_capacity(n.div_ceil(SORT_GROUP));
        let mut rest = neighbours.as_mut_slice();
        for first in (0..n).step_by(SORT_GROUP) {
            let last = (first + SORT_GROUP).min(n);
            let (group, tail) = rest.split_at_mut((offsets[last] - offsets[first]) as usize);
            groups.push((first, group));
            rest = tail;
        }
        groups
            .into_par_iter()
            .zip(distinct.par_chunks_mut(SORT_GROUP))
            .for_each(|((first, group), distinct)| {
                let base = offsets[first];
                for (node, count) in (first..).zip(distinct) {
                    let list = &mut group
                        [(offsets[node] - base) as usize..(offsets[node + 1] - base) as usize];
                    list.sort_unstable();
                    let mut write = 0;
                    for read in 0..list.len() {
                        if read == 0 || list[read] != list[write - 1] {
                            list[write] = list[read];
                            write += 1;
                        }
                    }
                    *count = write as u32;
                }
            });

        // Close the gaps left by duplicates (rare: a rewired tie that lands on an existing one).
        if let Some(first) = (0..n).find(|&i| distinct[i] < offsets[i + 1] - offsets[i]) {
            let mut write = offsets[first] as usize;
            for i in first..n {
                let start = offsets[i] as usize;
                offsets[i] = write as u32;
                neighbours.copy_within(start..start + distinct[i] as usize, write);
                write += distinct[i] as usize;
            }
            offsets[n] = write as u32;
            neighbours.truncate(write);
            neighbours.shrink_to_fit();
        }
        Network {
            offsets,
            neighbours,
        }
    }

    pub fn nodes(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of tie ends (twice the number of ties).
    pub fn tie_ends(&self) -> usize {
        self.neighbours.len()
    }

    #[inline(always)]
    pub fn neighbours(&self, node: usize) -> &[u32] {
        let start = self.offsets[node] as usize;
        let end = self.offsets[node + 1] as usize;
        &self.neighbours[start..end]
    }

    /// The ties of the consecutive nodes `nodes` (those past the last node ignored), one
    /// node's after another: what reading their neighbours will touch.
    pub fn neighbours_of_range(&self, nodes: std::ops::Range<usize>) -> &[u32] {
        let last = self.nodes();
        let (first, end) = (nodes.start.min(last), nodes.end.min(last));
        &self.neighbours[self.offsets[first] as usize..self.offsets[end] as usize]
    }

    pub fn mean_degree(&self) -> f64 {
        if self.nodes() == 0 {
            0.0
        } else {
            self.tie_ends() as f64 / self.nodes() as f64
        }
    }

    /// Bytes held by the graph.
    pub fn memory_bytes(&self) -> usize {
        (self.offsets.len() + self.neighbours.len()) * std::mem::size_of::<u32>()
    }
}

/// Watts-Strogatz: ring lattice with `degree / 2` neighbours on each side; each tie's far end
/// is rewired to a uniformly chosen slot with probability `rewiring`.
///
/// Built directly in CSR form, without an edge list: the lattice ties are local, so each
/// node's list is gathered from its own and its neighbours' draws, in parallel; only the
/// rewired ties are sorted by node. The result is exactly [`Network::from_edges`] of
/// [`small_world_edges`] (the same draws in the same order).
fn small_world(nodes: u32, degree: u32, rewiring: f32, stream: &mut rng::Stream) -> Network {
    let n = nodes as usize;
    let half = (degree / 2) as usize;
    // The draws, tie by tie in lattice order: bit `a * half + step - 1` of `kept` is set when
    // the tie from a to a + step stays in the lattice; the others are listed with their new
    // far end.
    let mut kept = vec![0u64; (n * half).div_ceil(64)];
    let mut rewired = Vec::new();
    let mut bit = 0;
    for a in 0..nodes {
        for _ in 0..half {
            if rng::unit(stream) < rewiring {
                rewired.push((a, rng::index(stream, nodes)));
            } else {
                kept[bit / 64] |= 1 << (bit % 64);
            }
            bit += 1;
        }
    }
    let is_kept = |a: usize, step: usize| {
        let bit = a * half + step - 1;
        kept[bit / 64] & (1 << (bit % 64)) != 0
    };
    // Rewired ties by either end (self-loops dropped).
    let rewired_from = Grouped::new(n, rewired.iter().filter(|(a, b)| a != b).copied());
    let rewired_to = Grouped::new(
        n,
        rewired.iter().filter(|(a, b)| a != b).map(|&(a, b)| (b, a)),
    );
    drop(rewired);

    // Each group of nodes gathers, sorts and deduplicates its nodes' lists.
    let groups: Vec<(Vec<u32>, Vec<u32>)> = (0..n.div_ceil(SORT_GROUP))
        .into_par_iter()
        .map(|group| {
            let nodes = group * SORT_GROUP..((group + 1) * SORT_GROUP).min(n);
            let mut lengths = Vec::with_capacity(nodes.len());
            let mut lists = Vec::with_capacity(nodes.len() * 2 * half);
            // `x ± step` on the ring (step < n).
            let wrap = |y: usize| if y >= n { y - n } else { y };
            for x in nodes {
                let (from, to) = (rewired_from.get(x), rewired_to.get(x));
                let start = lists.len();
                lists.resize(start + 2 * half + from.len() + to.len(), 0);
                let list = &mut lists[start..];
                let mut len = 0;
                for step in (1..=half).rev() {
                    let y = wrap(x + n - step);
                    list[len] = y as u32;
                    len += usize::from(is_kept(y, step));
                }
                for step in 1..=half {
                    list[len] = wrap(x + step) as u32;
                    len += usize::from(is_kept(x, step));
                }
                list[len..len + from.len()].copy_from_slice(from);
                len += from.len();
                list[len..len + to.len()].copy_from_slice(to);
                len += to.len();
                let list = &mut list[..len];
                list.sort_unstable();
                let mut write = 0;
                for read in 0..list.len() {
                    if read == 0 || list[read] != list[write - 1] {
                        list[write] = list[read];
                        write += 1;
                    }
                }
                lists.truncate(start + write);
                lengths.push(write as u32);
            }
            (lengths, lists)
        })
        .collect();

    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0u32);
    let mut neighbours = Vec::with_capacity(groups.iter().map(|(_, l)| l.len()).sum());
    for (lengths, lists) in groups {
        for length in lengths {
            offsets.push(offsets[offsets.len() - 1] + length);
        }
        neighbours.extend_from_slice(&lists);
    }
    Network {
        offsets,
        neighbours,
    }
}

/// Values grouped by a node key, in CSR form (a counting sort; values keep their order).
struct Grouped {
    offsets: Vec<u32>,
    values: Vec<u32>,
}

impl Grouped {
    fn new(nodes: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Grouped {
        let mut offsets = vec![0u32; nodes + 1];
        for (key, _) in pairs.clone() {
            offsets[key as usize + 1] += 1;
        }
        for i in 0..nodes {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets[..nodes].to_vec();
        let mut values = vec![0u32; offsets[nodes] as usize];
        for (key, value) in pairs {
            values[fill[key as usize] as usize] = value;
            fill[key as usize] += 1;
        }
        Grouped { offsets, values }
    }

    fn get(&self, node: usize) -> &[u32] {
        &self.values[self.offsets[node] as usize..self.offsets[node + 1] as usize]
    }
}

/// The small-world ties as an edge list, drawn as [`small_world`] draws them.
#[cfg(test)]
fn small_world_edges(
    nodes: u32,
    degree: u32,
    rewiring: f32,
    stream: &mut rng::Stream,
) -> Vec<(u32, u32)> {
    let half = degree / 2;
    let mut edges = Vec::with_capacity(nodes as usize * half as usize);
    for a in 0..nodes {
        for step in 1..=half {
            let mut b = (a + step) % nodes;
            if rng::unit(stream) < rewiring {
                b = rng::index(stream, nodes);
            }
            edges.push((a, b));
        }
    }
    edges
}

/// Barabási-Albert preferential attachment with `degree / 2` ties per newcomer, started from a
/// small clique; the endpoint list makes picking proportional to degree O(1).
fn scale_free(nodes: u32, degree: u32, stream: &mut rng::Stream) -> Vec<(u32, u32)> {
    let m = (degree / 2).max(1);
    let seed_nodes = (m + 1).min(nodes);
    let mut edges = Vec::with_capacity(nodes as usize * m as usize);
    let mut endpoints: Vec<u32> = Vec::with_capacity(2 * nodes as usize * m as usize);
    for a in 0..seed_nodes {
        for b in (a + 1)..seed_nodes {
            edges.push((a, b));
            endpoints.push(a);
            endpoints.push(b);
        }
    }
    for a in seed_nodes..nodes {
        for _ in 0..m {
            let b = if endpoints.is_empty() {
                rng::index(stream, a)
            } else {
                endpoints[rng::index(stream, endpoints.len() as u32) as usize]
            };
            edges.push((a, b));
        }
        for &(x, y) in &edges[edges.len() - m as usize..] {
            endpoints.push(x);
            endpoints.push(y);
        }
    }
    edges
}

/// Erdős-Rényi G(n, m) with m = n * degree / 2 uniformly drawn ties.
fn random(nodes: u32, degree: u32, stream: &mut rng::Stream) -> Vec<(u32, u32)> {
    let ties = nodes as usize * degree as usize / 2;
    (0..ties)
        .map(|_| (rng::index(stream, nodes), rng::index(stream, nodes)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_symmetric(net: &Network) -> bool {
        (0..net.nodes()).all(|a| {
            net.neighbours(a)
                .iter()
                .all(|&b| net.neighbours(b as usize).contains(&(a as u32)))
        })
    }

    #[test]
    fn a_range_of_nodes_has_their_ties_in_order_and_ends_at_the_last_node() {
        let net = Network::build(NetworkKind::SmallWorld, 300, 6, 0.2, 3);
        let joined: Vec<u32> = (100..164)
            .flat_map(|a| net.neighbours(a).to_vec())
            .collect();
        assert_eq!(net.neighbours_of_range(100..164), &joined[..]);
        let tail: Vec<u32> = (290..300)
            .flat_map(|a| net.neighbours(a).to_vec())
            .collect();
        assert_eq!(net.neighbours_of_range(290..1024), &tail[..]);
        assert!(net.neighbours_of_range(400..500).is_empty());
    }

    #[test]
    fn every_kind_is_symmetric_without_self_loops_and_near_its_degree() {
        for kind in [
            NetworkKind::SmallWorld,
            NetworkKind::ScaleFree,
            NetworkKind::Random,
        ] {
            let net = Network::build(kind, 2000, 8, 0.1, 11);
            assert!(is_symmetric(&net), "{kind:?} not symmetric");
            for a in 0..net.nodes() {
                assert!(
                    !net.neighbours(a).contains(&(a as u32)),
                    "{kind:?} self-loop"
                );
                assert!(
                    net.neighbours(a).windows(2).all(|w| w[0] < w[1]),
                    "duplicates"
                );
            }
            let degree = net.mean_degree();
            assert!(
                (7.0..=8.01).contains(&degree),
                "{kind:?} mean degree {degree}"
            );
        }
    }

    #[test]
    fn direct_small_world_equals_the_edge_list_build() {
        for (nodes, degree, rewiring) in [
            (1, 0, 0.1),
            (2, 1, 0.5),
            (3, 2, 0.5),
            (10, 4, 0.0),
            (10, 8, 0.3),
            (9000, 8, 0.1),
            (5000, 6, 1.0),
            (700, 12, 0.6),
        ] {
            let degree = u32::min(degree, nodes - 1);
            let mut a = rng::stream(3, Purpose::Network, 0, 0);
            let mut b = rng::stream(3, Purpose::Network, 0, 0);
            let direct = small_world(nodes, degree, rewiring, &mut a);
            let listed =
                Network::from_edges(nodes, &small_world_edges(nodes, degree, rewiring, &mut b));
            assert_eq!(
                direct.offsets, listed.offsets,
                "{nodes} {degree} {rewiring}"
            );
            assert_eq!(
                direct.neighbours, listed.neighbours,
                "{nodes} {degree} {rewiring}"
            );
            assert_eq!(rng::unit(&mut a), rng::unit(&mut b), "draws consumed");
        }
    }

    #[test]
    fn unrewired_small_world_is_a_ring_lattice() {
        let net = Network::build(NetworkKind::SmallWorld, 10, 4, 0.0, 1);
        assert_eq!(net.neighbours(0), &[1, 2, 8, 9]);
    }

    #[test]
    fn scale_free_has_hubs() {
        let net = Network::build(NetworkKind::ScaleFree, 5000, 6, 0.0, 3);
        let max = (0..net.nodes())
            .map(|a| net.neighbours(a).len())
            .max()
            .unwrap();
        assert!(max > 60, "largest degree {max} is not hub-like");
    }

    #[test]
    fn tiny_populations_work() {
        let net = Network::build(NetworkKind::SmallWorld, 1, 0, 0.1, 1);
        assert_eq!(net.neighbours(0), &[] as &[u32]);
        let net = Network::build(NetworkKind::ScaleFree, 2, 1, 0.1, 1);
        assert_eq!(net.nodes(), 2);
    }
}
