"""TagResource / UntagResource / ListTagsForResource and their limits."""
import pytest

from conftest import raises_aws


def test_tag_list_untag(ic, flow):
    c = ic("owner")
    device_id = flow.claimed("owner", tags={"a": "1"})
    arn = flow.arn(device_id)
    answer = c.tag_resource(ResourceArn=arn, Tags={"b": "2", "c": "", "a": "one"})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert c.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"a": "one", "b": "2", "c": ""}
    answer = c.untag_resource(ResourceArn=arn, TagKeys=["a", "c", "never-set"])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert c.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"b": "2"}
    assert c.describe_device(DeviceId=device_id)["DeviceDescription"]["Tags"] == {"b": "2"}


def test_tags_with_special_characters_roundtrip(ic, flow):
    c = ic("owner")
    device_id = flow.claimed("owner")
    arn = flow.arn(device_id)
    tags = {"path/key:with=chars": "v a/l+u@e", "ünïcødé": "日本"}
    c.tag_resource(ResourceArn=arn, Tags=tags)
    assert c.list_tags_for_resource(ResourceArn=arn)["Tags"] == tags
    c.untag_resource(ResourceArn=arn, TagKeys=list(tags))
    assert c.list_tags_for_resource(ResourceArn=arn)["Tags"] == {}


def test_fifty_tags_ok_fifty_one_rejected(ic, flow):
    c = ic("owner")
    device_id = flow.claimed("owner")
    arn = flow.arn(device_id)
    c.tag_resource(ResourceArn=arn, Tags={f"k{i}": "v" for i in range(49)})
    c.tag_resource(ResourceArn=arn, Tags={"k49": "v", "k0": "replaced"})  # 50 in all: fine
    with raises_aws(c, "InvalidRequestException"):
        c.tag_resource(ResourceArn=arn, Tags={"k50": "v"})
    with raises_aws(c, "InvalidRequestException"):
        c.tag_resource(ResourceArn=arn, Tags={"new1": "v", "new2": "v"})
    tags = c.list_tags_for_resource(ResourceArn=arn)["Tags"]
    assert len(tags) == 50 and tags["k0"] == "replaced" and "new1" not in tags


def test_fifty_one_at_once_rejected(ic, flow):
    c = ic("owner")
    arn = flow.arn(flow.claimed("owner"))
    with raises_aws(c, "InvalidRequestException"):
        c.tag_resource(ResourceArn=arn, Tags={f"k{i}": "v" for i in range(51)})
    assert c.list_tags_for_resource(ResourceArn=arn)["Tags"] == {}


@pytest.mark.parametrize("tags", [{"k" * 129: "v"}, {"": "v"}, {"k": "v" * 257}, {"aws:name": "v"},
                                  {"AWS:name": "v"}, {"ok": "v", "aws:x": "y"}],
                         ids=["key-129", "key-empty", "value-257", "aws-prefix", "AWS-prefix-upper", "mixed"])
def test_tag_limits(ic, flow, tags):
    c = ic("owner")
    arn = flow.arn(flow.claimed("owner"))
    with raises_aws(c, "InvalidRequestException"):
        c.tag_resource(ResourceArn=arn, Tags=tags)
    assert c.list_tags_for_resource(ResourceArn=arn)["Tags"] == {}, "a rejected request wrote tags"


def test_tag_length_edges_ok(ic, flow):
    c = ic("owner")
    arn = flow.arn(flow.claimed("owner"))
    c.tag_resource(ResourceArn=arn, Tags={"k" * 128: "v" * 256, "awsome": "not reserved"})
    assert c.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"k" * 128: "v" * 256, "awsome": "not reserved"}


@pytest.mark.parametrize("arn", ["not-an-arn", "arn:aws:iot1click:us-east-1:111122223333:projects/p",
                                 "arn:aws:iot1click:us-east-1:111122223333:devices/",
                                 "arn:aws:s3:::bucket"])
def test_bad_arns_are_4xx(ic, arn):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as info:
        ic("owner").list_tags_for_resource(ResourceArn=arn)
    assert info.value.response["Error"]["Code"] in ("InvalidRequestException", "ResourceNotFoundException")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 404)


def test_untag_without_keys_is_400(service, flow):
    from conftest import client
    c = client(service, "owner", validate=False)
    arn = flow.arn(flow.claimed("owner"))
    with raises_aws(c, "InvalidRequestException"):
        c.untag_resource(ResourceArn=arn)


def test_tag_resource_without_tags_is_400(service, flow):
    from conftest import client
    c = client(service, "owner", validate=False)
    arn = flow.arn(flow.claimed("owner"))
    with raises_aws(c, "InvalidRequestException"):
        c.tag_resource(ResourceArn=arn)
