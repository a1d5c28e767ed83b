def test_district_user_sees_unit_list_in_chinese(client_for):
    client = client_for("district")
    response = client.get("/unitview/list/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "用人单位" in text
