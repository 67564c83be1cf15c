//! The community network: an undirected graph over customer slots, fixed for a run.
//!
//! Stored in compressed sparse row form (`u32` offsets and neighbour indices, 4 bytes per tie
//! end) so that a customer's neighbours are one contiguous slice. Built once per replication
//! from its own random stream; self-loops and duplicate ties are removed.

use super::config::NetworkKind;
use super::rng::{self, Purpose};

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
            NetworkKind::SmallWorld => small_world(nodes, degree, rewiring as f32, &mut stream),
            NetworkKind::ScaleFree => scale_free(nodes, degree, &mut stream),
            NetworkKind::Random => random(nodes, degree, &mut stream),
        };
        Network::from_edges(nodes, &edges)
    }

    /// CSR from an undirected edge list; drops self-loops and duplicates.
    pub fn from_edges(nodes: u32, edges: &[(u32, u32)]) -> Network {
        let n = nodes as usize;
        let mut counts = vec![0u32; n + 1];
        for &(a, b) in edges {
            if a != b {
                counts[a as usize + 1] += 1;
                counts[b as usize + 1] += 1;
            }
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut fill = counts.clone();
        let mut neighbours = vec![0u32; counts[n] as usize];
        for &(a, b) in edges {
            if a != b {
                neighbours[fill[a as usize] as usize] = b;
                fill[a as usize] += 1;
                neighbours[fill[b as usize] as usize] = a;
                fill[b as usize] += 1;
            }
        }
        // Sort and deduplicate each adjacency list, compacting in place.
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u32);
        let mut write = 0usize;
        for i in 0..n {
            let (start, end) = (counts[i] as usize, counts[i + 1] as usize);
            neighbours[start..end].sort_unstable();
            let mut previous = None;
            for read in start..end {
                let value = neighbours[read];
                if previous != Some(value) {
                    neighbours[write] = value;
                    write += 1;
                    previous = Some(value);
                }
            }
            offsets.push(write as u32);
        }
        neighbours.truncate(write);
        neighbours.shrink_to_fit();
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
fn small_world(
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
