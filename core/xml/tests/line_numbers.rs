//! Every node records the file and 1-based line where it starts, in the root
//! file and in included files alike.

mod common;

use common::Fixture;

#[test]
fn nested_elements_record_their_lines() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        "<document>\n\
         \n\
         <a>\n\
         \x20 <b\n\
         \x20    attr=\"spans lines\"><c/></b>\n\
         </a>\n\
         </document>\n",
    );
    let root = fixture.load("root.xml").unwrap().root;
    let a = &root.children[0];
    let b = &a.children[0];
    let c = &b.children[0];
    assert_eq!(
        [
            root.origin.line,
            a.origin.line,
            b.origin.line,
            c.origin.line
        ],
        [1, 3, 4, 5]
    );
}

#[test]
fn included_nodes_point_into_the_included_file() {
    let fixture = Fixture::new();
    let root_path = fixture.write(
        "root.xml",
        "<document>\n\
         \x20 <before/>\n\
         \x20 <X-PRE-PROCESS cmd=\"include\" data=\"sub/part.xml\"/>\n\
         \x20 <after/>\n\
         </document>\n",
    );
    let part_path = fixture.write(
        "sub/part.xml",
        "<?xml version=\"1.0\"?>\n\
         <include>\n\
         \n\
         \x20 <one>\n\
         \x20   <two/>\n\
         \x20 </one>\n\
         </include>\n",
    );
    let root = fixture.load("root.xml").unwrap().root;
    let names: Vec<_> = root.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["before", "one", "after"]);

    let [before, one, after] = &root.children[..] else {
        panic!("three children expected");
    };
    assert_eq!((&*before.origin.file, before.origin.line), (&*root_path, 2));
    assert_eq!((&*one.origin.file, one.origin.line), (&*part_path, 4));
    let two = &one.children[0];
    assert_eq!((&*two.origin.file, two.origin.line), (&*part_path, 5));
    assert_eq!((&*after.origin.file, after.origin.line), (&*root_path, 4));
}
