
  {
    "Kind": "mesh",
    "TransparentProxy": {
      "MeshDestinationsOnly": true
    },
    "CreateIndex": 12,
    "ModifyIndex": 12
  }
