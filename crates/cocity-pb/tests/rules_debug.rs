use cocity_pb::rules::{count, CountSpec, Rule, Completion, Sat};
#[test]
#[ignore]
fn lodz() {
    let e = cocity_pb::pabulib::read_path(std::path::Path::new("/work/shared/data/pabulib/Poland_Lodz_2023.pb")).unwrap();
    let t = std::time::Instant::now();
    let o = count(&e, &CountSpec{rule: Rule::Mes, sat: Some(Sat::Cost), completion: Completion::Add1}, &mut |_| {}).unwrap();
    eprintln!("{} winners in {:?}", o.winners.len(), t.elapsed());
}
