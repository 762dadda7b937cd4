//! Three-way merge of one case file (pure): the union of both sides' new
//! events, ordered by time with a stable tie-break, the header recomputed by
//! replay. Nothing is ever dropped: when the union does not replay (two
//! different cases under one number, two closures, two open escalations),
//! the result still holds every event and says why it conflicts, so the
//! merge driver can report a conflict and `cases check` can name the file.

use crate::case::{replay, Case, Event, EventKind, Header, LifecycleError};

/// What merging gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// Every event of both sides, replayed into a valid case.
    Clean(Case),
    /// Every event of both sides, which do not replay: the header is ours.
    Conflict {
        header: Header,
        history: Vec<Event>,
        reason: Conflict,
    },
}

/// Why the union of both sides is not one valid case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// Two different cases were created as case `number` (two clones each
    /// opened one).
    Collision { number: u64 },
    /// The union breaks a lifecycle rule (two closures, two open escalations).
    Lifecycle(LifecycleError),
}

/// Interleaves two event sequences, each already in its recorded order, by
/// time; at one instant the side whose next event sorts first by content
/// goes first. Each side keeps its own order (two assignments in one second
/// stay in the order they were made), and the result does not depend on
/// which side is "ours", so both clones merge to the same bytes.
fn interleave(ours: &[Event], theirs: &[Event]) -> Vec<Event> {
    // `created` sorts first at its instant: the other side may have recorded
    // something in the same second, and a history must start with created.
    let content = |event: &Event| {
        let created = matches!(event.kind, EventKind::Created(_));
        (
            event.at,
            !created,
            format!("{:?}", event.kind),
            event.by.clone(),
        )
    };
    let (mut i, mut j) = (0, 0);
    let mut merged = Vec::with_capacity(ours.len() + theirs.len());
    while i < ours.len() || j < theirs.len() {
        let take_ours = match (ours.get(i), theirs.get(j)) {
            (Some(a), Some(b)) => content(a) <= content(b),
            (Some(_), None) => true,
            _ => false,
        };
        if take_ours {
            merged.push(ours[i].clone());
            i += 1;
        } else {
            merged.push(theirs[j].clone());
            j += 1;
        }
    }
    merged
}

/// Merges `ours` and `theirs` given their common ancestor `base` (`None`
/// when both sides added the file).
pub fn merge(base: Option<&Case>, ours: &Case, theirs: &Case) -> Merged {
    let number = ours.number();
    let base_events: &[Event] = base.map_or(&[], |b| b.history());
    let prefix_of = |side: &Case| side.history().starts_with(base_events);
    let mut history: Vec<Event>;
    if prefix_of(ours) && prefix_of(theirs) {
        // What both sides share beyond the base is common history too (with
        // no base, that is all they share): only what follows is interleaved,
        // so the result does not depend on which side is "ours".
        let shared = ours
            .history()
            .iter()
            .zip(theirs.history())
            .take_while(|(a, b)| a == b)
            .count();
        let our_new = &ours.history()[shared..];
        let their_new: Vec<Event> = theirs.history()[shared..]
            .iter()
            .filter(|event| !our_new.contains(event))
            .cloned()
            .collect();
        history = ours.history()[..shared].to_vec();
        history.extend(interleave(our_new, &their_new));
    } else {
        // A side rewrote history: keep every distinct event of either side.
        let their_own: Vec<Event> = theirs
            .history()
            .iter()
            .filter(|event| !ours.history().contains(event))
            .cloned()
            .collect();
        history = interleave(ours.history(), &their_own);
    }
    let created = history
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Created(_)))
        .count();
    if created > 1 || ours.number() != theirs.number() {
        return Merged::Conflict {
            header: ours.header().clone(),
            history,
            reason: Conflict::Collision { number },
        };
    }
    match replay(number, &history) {
        Ok(replayed) => Merged::Clean(Case::from_verified(replayed.header, history)),
        Err(error) => Merged::Conflict {
            header: ours.header().clone(),
            history,
            reason: Conflict::Lifecycle(error),
        },
    }
}
