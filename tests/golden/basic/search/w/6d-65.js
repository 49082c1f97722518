SITEGEN_SEARCH_CHUNK("w/6d-65",{"mentions":"0","method":"3","methodology":"0"});
